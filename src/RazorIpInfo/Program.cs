using RazorIpInfo.Api;
using RazorIpInfo.Bulk;
using RazorIpInfo.DualStack;
using RazorIpInfo.Hosting;
using RazorIpInfo.Lookup;
using RazorIpInfo.Lookup.GeoDb;
using RazorIpInfo.Lookup.HostNames;
using RazorIpInfo.Lookup.Networks;
using RazorIpInfo.Lookup.Rdap;
using RazorIpInfo.Lookup.Tor;
using RazorIpInfo.Observability;
using RazorIpInfo.Pages;
using RazorIpInfo.Personalisation;
using RazorIpInfo.Protection;
using RazorIpInfo.Redis;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppFolder.ContentRoot(args) });

builder.ServeStaticAssetsAsPublished();

builder.AddServiceDefaults();
builder.AddErrorPages();
builder.AddTrustedProxies();
builder.AddRedis();
builder.AddIpLookup();
builder.AddGeoDb();
builder.AddNetworkData();
builder.AddTorExitFlag();
builder.AddRdap();
builder.AddHostNameInput();
builder.AddIpInfoApi();
builder.AddBulkLookup();
builder.AddInboundRateLimits();
builder.AddRequestLimits();
builder.AddIdleMemoryTrim();
builder.AddLanguages();
builder.AddDualStack();
builder.AddPages();
builder.AddCompressionOfRenderedAnswers();
builder.AddWarmUp(); // /readyz says ready once the instance has served its own hot paths

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
