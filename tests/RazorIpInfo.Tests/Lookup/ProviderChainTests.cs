using System.Net;
using RazorIpInfo.Lookup;
using RazorIpInfo.Tests.Infrastructure;
using RazorIpInfo.Tests.Lookup.GeoDb;
using WireMock.ResponseBuilders;

namespace RazorIpInfo.Tests.Lookup;

/// <summary>ip-api.com first, the offline database when it cannot answer — through the real site.</summary>
[Collection(GeoDbTestGroup.Name)]
public sealed class ProviderChainTests : EmulatedUpstreamTests
{
    // Not among the emulator's addresses, so each test decides what the upstream says about it.
    private const string Address = "8.8.4.4";

    private RazorIpInfoFactory SiteWithOfflineFallback()
    {
        GeoDbFiles.Require();
        var app = new RazorIpInfoFactory(Upstream);
        app.Settings["Lookup:Providers:1"] = "mmdb";
        return app;
    }

    [GeoDbTheory]
    [InlineData("error")]
    [InlineData("closed port")]
    [InlineData("too slow")]
    [InlineData("quota exhausted")]
    public async Task UpstreamThatCannotAnswerIsBackedUpByTheOfflineDatabase(string failure)
    {
        await using var app = SiteWithOfflineFallback();
        switch (failure)
        {
            case "closed port":
                app.Settings["IpApi:BaseUrl"] = IpApiEmulator.ClosedPortUrl();
                break;
            case "too slow":
                // Well past the short attempt timeout, so the outcome does not depend on how busy the machine is.
                app.WithShortTimeouts().WithFakeTimeEverywhere();
                Upstream.Respond(Address, Response.Create().WithBodyAsJson(IpApiEmulator.Samples.GoogleDnsV4).WithDelay(RazorIpInfoFactory.SlowAnswer));
                break;
            case "quota exhausted":
                Upstream.Respond(Address, Response.Create().WithStatusCode(429).WithHeader("X-Rl", "0").WithHeader("X-Ttl", "42"));
                break;
            default:
                Upstream.Respond(Address, Response.Create().WithStatusCode(500));
                break;
        }

        var answer = app.CreateClient().GetAsync("/?ip=" + Address);
        var page = await Html.ParseAsync(app.Clock is null ? await answer : await app.MovingTimeUntilAsync(answer));

        Assert.Equal(Address, page.CardAddress());
        Assert.Equal("United States (US)", page.Facts()["Country"]);
        Assert.Contains("Data from DB-IP", page.Card().QuerySelector(".provenance")!.TextContent, StringComparison.Ordinal);
        var attribution = page.Card().QuerySelector(".attribution a[href='https://db-ip.com']");
        Assert.NotNull(attribution);
        Assert.Equal("IP geolocation by DB-IP", attribution.TextContent);
        // The footer credits the provider that answered, not the upstream that did not.
        var footer = page.QuerySelector("footer")!.TextContent;
        Assert.Contains("DB-IP", footer, StringComparison.Ordinal);
        Assert.DoesNotContain("ip-api.com", footer, StringComparison.Ordinal);
    }

    [GeoDbTheory]
    [InlineData("private range", "This is a private address")]
    [InlineData("invalid query", "That is not an IP address")]
    public async Task UpstreamRefusalIsTheAnswerAndIsNotAskedElsewhere(string message, string shown)
    {
        Upstream.Answer(Address, IpApiEmulator.Samples.Fail(message, Address));
        await using var app = SiteWithOfflineFallback();

        var page = await app.CreateClient().GetDocumentAsync("/?ip=" + Address);

        Assert.Contains(shown, page.Card().TextContent, StringComparison.Ordinal);
        Assert.Empty(page.Facts());
        Assert.Null(page.Card().QuerySelector(".attribution"));
    }

    [GeoDbFact]
    public async Task UpstreamAnswersWhenItCanAndTheCardSaysSo()
    {
        await using var app = SiteWithOfflineFallback();

        var page = await app.CreateClient().GetDocumentAsync("/?ip=8.8.8.8");

        Assert.Equal("Ashburn", page.Facts()["City"]);
        Assert.Contains("ip-api.com", page.Card().QuerySelector(".provenance")!.TextContent, StringComparison.Ordinal);
        // No DB-IP geolocation credit for a place DB-IP did not give; the network (AS) data beside it has its own.
        Assert.Null(page.Card().QuerySelector(".attribution:not(.network-attribution)"));
    }

    [GeoDbFact]
    public async Task ProvidersAreAskedInTheConfiguredOrder()
    {
        GeoDbFiles.Require();
        await using var app = new RazorIpInfoFactory(Upstream);
        app.Settings["Lookup:Providers:0"] = "mmdb";
        app.Settings["Lookup:Providers:1"] = "ip-api";

        var page = await app.CreateClient().GetDocumentAsync("/?ip=8.8.8.8");

        Assert.Equal("United States (US)", page.Facts()["Country"]);
        Assert.Contains("Data from DB-IP", page.Card().QuerySelector(".provenance")!.TextContent, StringComparison.Ordinal);
        Assert.Empty(Upstream.Requests);
    }

    [GeoDbFact]
    public async Task ServersOwnAddressNeedsTheUpstreamBecauseTheDatabaseCannotSeeIt()
    {
        await using var app = SiteWithOfflineFallback();
        app.Settings["IpApi:BaseUrl"] = IpApiEmulator.ClosedPortUrl();

        var page = await app.CreateClientFor("192.168.1.20").GetDocumentAsync("/");

        Assert.Equal("Finding this server's public address needs ip-api.com", page.CardTitle());
    }
}
