using System.Net;
using RazorIpInfo.Api;
using RazorIpInfo.Tests.Infrastructure;
using WireMock.ResponseBuilders;

namespace RazorIpInfo.Tests.Lookup.Caching;

/// <summary>The lookup cache on one instance, its clock driven by the test.</summary>
public sealed class LookupCacheTests : IDisposable
{
    private readonly IpApiEmulator upstream = IpApiEmulator.Start();
    private readonly RazorIpInfoFactory app;

    public LookupCacheTests()
    {
        app = new RazorIpInfoFactory(upstream);
        // One attempt per lookup, so the emulator's log counts lookups.
        app.Settings["IpApi:MaxRetries"] = "0";
    }

    public void Dispose()
    {
        app.Dispose();
        upstream.Dispose();
    }

    [Fact]
    public async Task AnswerIsReusedUntilItIsAnHourOld()
    {
        var clock = app.UseFakeTime();
        var client = app.CreateClient();

        await client.GetAsync("/api/ip-info/8.8.8.8");
        clock.Advance(TimeSpan.FromMinutes(59));
        var cached = await client.GetAsync("/api/ip-info/8.8.8.8");
        Assert.Equal(1, upstream.RequestsFor("8.8.8.8"));
        Assert.Equal("3540", cached.Headers.GetValues("Age").Single());

        clock.Advance(TimeSpan.FromMinutes(2));
        var fresh = await client.GetAsync("/api/ip-info/8.8.8.8");
        Assert.Equal(2, upstream.RequestsFor("8.8.8.8"));
        Assert.Equal("0", fresh.Headers.GetValues("Age").Single());
    }

    [Fact]
    public async Task CardSaysWhereTheDataCameFromAndHowLongAgo()
    {
        var clock = app.UseFakeTime();
        var client = app.CreateClient();

        var first = await client.GetDocumentAsync("/?ip=8.8.8.8");
        clock.Advance(TimeSpan.FromMinutes(4));
        var later = await client.GetDocumentAsync("/?ip=8.8.8.8");

        Assert.Equal("Data from ip-api.com, just now.", Provenance(first));
        Assert.Equal("Data from ip-api.com, 4 minutes ago.", Provenance(later));
        Assert.Equal(1, upstream.RequestsFor("8.8.8.8"));
    }

    [Fact]
    public async Task ProvidersRefusalIsRememberedForADay()
    {
        var clock = app.UseFakeTime();
        upstream.Answer("1.2.3.4", IpApiEmulator.Samples.Fail("reserved range", "1.2.3.4"));
        var client = app.CreateClient();

        var first = await client.GetAsync("/api/ip-info/1.2.3.4");
        clock.Advance(TimeSpan.FromHours(23));
        var remembered = await client.GetAsync("/api/ip-info/1.2.3.4");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, first.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, remembered.StatusCode);
        Assert.Equal(1, upstream.RequestsFor("1.2.3.4"));

        clock.Advance(TimeSpan.FromHours(2));
        await client.GetAsync("/api/ip-info/1.2.3.4");
        Assert.Equal(2, upstream.RequestsFor("1.2.3.4"));
    }

    [Fact]
    public async Task FailingAddressIsAskedAtMostOnceEveryTenSeconds()
    {
        var clock = app.UseFakeTime();
        upstream.Respond("9.9.9.9", Response.Create().WithStatusCode(500));
        var client = app.CreateClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            statuses.Add((await client.GetAsync("/api/ip-info/9.9.9.9")).StatusCode);
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.BadGateway, status));
        Assert.Equal(1, upstream.RequestsFor("9.9.9.9"));

        clock.Advance(TimeSpan.FromSeconds(6));
        await client.GetAsync("/api/ip-info/9.9.9.9");
        Assert.Equal(2, upstream.RequestsFor("9.9.9.9"));

        // Not cached as data: once the provider answers, so do we.
        upstream.Answer("9.9.9.9", new { status = "success", query = "9.9.9.9", country = "Switzerland", countryCode = "CH" });
        clock.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/ip-info/9.9.9.9")).StatusCode);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(429)]
    public async Task LastGoodAnswerIsShownMarkedStaleWhenTheProviderCannotAnswer(int upstreamStatus)
    {
        var clock = app.UseFakeTime();
        var client = app.CreateClient();
        await client.GetAsync("/?ip=8.8.8.8");

        upstream.Server.ResetMappings();
        upstream.Respond("8.8.8.8", Response.Create().WithStatusCode(upstreamStatus));
        clock.Advance(TimeSpan.FromHours(3));

        var response = await client.GetAsync("/?ip=8.8.8.8");
        var page = await Html.ParseAsync(response);
        var api = await client.GetAsync("/api/ip-info/8.8.8.8");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("8.8.8.8", page.CardAddress());
        Assert.Equal("Ashburn", page.Facts()["City"]);
        var provenance = page.Card().QuerySelector(".provenance")!;
        Assert.Contains("stale", provenance.ClassList);
        Assert.StartsWith("Saved data from ip-api.com, 3 hours ago.", provenance.TextContent.Trim(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        Assert.Equal("true", api.Headers.GetValues(IpInfoApi.StaleHeader).Single());
        Assert.Equal("10800", api.Headers.GetValues("Age").Single());
    }

    [Fact]
    public async Task StaleAnswerIsNotShownAfterAWeek()
    {
        var clock = app.UseFakeTime();
        var client = app.CreateClient();
        await client.GetAsync("/api/ip-info/8.8.8.8");

        upstream.Server.ResetMappings();
        upstream.Respond("8.8.8.8", Response.Create().WithStatusCode(500));
        clock.Advance(TimeSpan.FromDays(8));

        Assert.Equal(HttpStatusCode.BadGateway, (await client.GetAsync("/api/ip-info/8.8.8.8")).StatusCode);
    }

    [Fact]
    public async Task RefreshAsksTheProviderOnlyForAnAnswerAMinuteOld()
    {
        var clock = app.UseFakeTime();
        var client = app.CreateClient();
        await client.GetAsync("/?ip=8.8.8.8");

        for (var i = 0; i < 5; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(10));
            var page = await client.GetDocumentAsync("/?ip=8.8.8.8&refresh=1");
            Assert.Equal("8.8.8.8", page.CardAddress());
        }

        Assert.Equal(1, upstream.RequestsFor("8.8.8.8"));

        clock.Advance(TimeSpan.FromSeconds(15));
        var refreshed = await client.GetDocumentAsync("/?ip=8.8.8.8&refresh=1");
        await client.GetDocumentAsync("/?ip=8.8.8.8&refresh=1");

        Assert.Equal(2, upstream.RequestsFor("8.8.8.8"));
        Assert.Equal("Data from ip-api.com, just now.", Provenance(refreshed));
    }

    [Fact]
    public async Task RefreshButtonOfTheVisitorsOwnCardIsLimitedToo()
    {
        var clock = app.UseFakeTime();
        var client = app.CreateClientFor("192.168.1.20");

        await client.GetDocumentAsync("/");
        await client.GetDocumentAsync("/?refresh=1");
        clock.Advance(TimeSpan.FromSeconds(61));
        await client.GetDocumentAsync("/?refresh=1");

        Assert.Equal(2, upstream.RequestsFor(null));
    }

    [Fact]
    public async Task TwoHundredSimultaneousFirstLookupsShareTheProviderCall()
    {
        var client = app.CreateClient();
        await client.GetAsync("/api/ip-info/2001:4860:4860::8888");

        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => client.GetAsync("/api/ip-info/8.8.8.8")));

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        // One shared call, and on a busy machine perhaps one more: a request that missed the memory cache just before
        // the shared call finished starts its own (HybridCache does not look in memory again before it starts a call;
        // seen twice in a dozen full runs). Without the sharing, the upstream would see up to 200.
        Assert.InRange(upstream.RequestsFor("8.8.8.8"), 1, 2);
    }

    [Fact]
    public async Task WithoutRedisTheSiteSaysOnceThatItsCacheIsPerProcess()
    {
        var client = app.CreateClient();
        await client.GetAsync("/api/ip-info/8.8.8.8");
        await client.GetAsync("/api/ip-info/2001:4860:4860::8888");

        Assert.Single(app.Logs.GetSnapshot(), log => log.Message.Contains("per-process", StringComparison.Ordinal));
    }

    // Redis without Cache:KeySecret stops start-up: see Observability/ConfigurationErrorTests.

    private static string Provenance(AngleSharp.Dom.IDocument page) =>
        page.Card().QuerySelector(".provenance")!.TextContent.Trim();
}
