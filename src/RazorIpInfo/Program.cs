using RazorIpInfo.Api;
using RazorIpInfo.DualStack;
using RazorIpInfo.Hosting;
using RazorIpInfo.Observability;
using RazorIpInfo.Pages;
using RazorIpInfo.Personalisation;
using RazorIpInfo.Protection;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppFolder.ContentRoot(args) });

builder.AddSite();

var app = builder.Build();

app.UseTrustedProxies();
app.UseLanguages();
app.UseCompressionOfRenderedAnswers(); // outside the error pages, so that they are compressed too
app.UseErrorPages();
app.UseHttpsOutsideDevelopment();
app.UseSecurityHeaders();
app.UseDualStack(); // after the trusted proxies: the client's family is the forwarded client's
app.UseRouting(); // after the error pages, so that their re-executed requests are routed afresh
app.UseAuthorizationWhereRequired(); // only where an endpoint asks; not in front of every answer
app.UseRateLimiter();
app.UseRequestLimits();
app.UseRootContentNegotiation();

app.MapDefaultEndpoints(); // health probes and metrics: no per-client limits
app.MapStaticAssets();

// Every page and API endpoint, by one convention each: HEAD wherever GET works, and the per-client limits. The
// pages are mapped on the app itself, where WithStaticAssets finds the asset manifest MapStaticAssets loaded.
app.MapRazorPages().WithStaticAssets().AnswerHeadLikeGet().RequirePerClientLimits();
var site = app.MapGroup("").AnswerHeadLikeGet().RequirePerClientLimits();
site.MapIpInfoApi();
site.MapAsApi();
site.MapRegistrationApi();
site.MapTextEndpoints();
site.MapLanguageSwitch();

return app.RunUnlessMisconfigured();
