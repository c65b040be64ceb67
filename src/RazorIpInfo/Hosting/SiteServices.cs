using RazorIpInfo.Api;
using RazorIpInfo.Bulk;
using RazorIpInfo.DualStack;
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

namespace RazorIpInfo.Hosting;

/// <summary>
/// Everything the site registers, and with it every start-up check of its settings. Apart from Program so that the
/// configuration tests can build the site with a setting wrong and run those checks without starting a server.
/// </summary>
public static class SiteServices
{
    public static WebApplicationBuilder AddSite(this WebApplicationBuilder builder)
    {
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
        return builder;
    }
}
