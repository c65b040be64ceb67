using RazorIpInfo.Api;
using RazorIpInfo.Bulk;
using RazorIpInfo.Lookup;
using RazorIpInfo.Lookup.GeoDb;
using RazorIpInfo.Observability;
using RazorIpInfo.Performance;
using RazorIpInfo.Personalisation;
using RazorIpInfo.Protection;

var builder = WebApplication.CreateBuilder(args);

// Serve wwwroot from the build output in every environment, not only Development, so that a
// Production-configured `dotnet run` and the tests see the same compressed, fingerprinted assets
// as a published app. It does nothing in published output.
builder.WebHost.UseStaticWebAssets();

builder.AddObservability();
builder.AddTrustedProxies();
builder.AddIpLookup();
builder.AddGeoDb();
builder.AddIpInfoApi();
builder.AddBulkLookup();
builder.AddInboundRateLimits();
builder.AddHealth();
builder.AddLanguages();
builder.AddResponseCompressionForPages();
builder.Services.AddRazorPages();

var app = builder.Build();

app.UseTrustedProxies();
app.UseLanguages();
app.UseResponseCompressionForPages(); // outside the error pages, so that they are compressed too
app.UseErrorPages();
app.UseSecurityHeaders();
app.UseRouting(); // after the error pages, so that their re-executed requests are routed afresh
app.UseRateLimiter();

app.MapHealth();
app.MapMetrics();
app.MapStaticAssets();
app.UseRootContentNegotiation();
app.MapRazorPages().WithStaticAssets();
app.MapIpInfoApi();
app.MapTextEndpoints();
app.MapLanguageSwitch();

app.Run();
