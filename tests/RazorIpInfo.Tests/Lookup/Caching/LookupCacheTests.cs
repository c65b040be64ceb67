using System.Net;
using RazorIpInfo.Api;
using RazorIpInfo.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using WireMock.ResponseBuilders;

namespace RazorIpInfo.Tests.Lookup.Caching;

/// <summary>The lookup cache on one instance, its clock driven by the test.</summary>
/// <remarks>
/// The tests share one site and its clock (<see cref="CacheSite"/>): each asks about addresses no other test asks
/// about, so the clock moved by one only ages another's answers, never one it is about to count, and the emulator's
/// log counts a test's lookups of its own addresses. A test that makes an address fail scripts that address alone;
/// one that makes the upstream say stop, which holds back every lookup of the site, has a site of its own.
/// </remarks>
public sealed class LookupCacheTests(LookupCacheTests.CacheSite site) : IClassFixture<LookupCacheTests.CacheSite>
{
    /// <summary>One attempt per lookup, so the emulator's log counts lookups; any address answered; the cache on a fake clock.</summary>
    public sealed class CacheSite : SharedSite
    {
        public FakeTimeProvider Clock { get; private set; } = null!;

        protected override bool OnKestrel => false;

        protected override void Configure(RazorIpInfoFactory app)
        {
            Upstream.AnswerEveryAddress(TimeSpan.Zero);
            app.Settings["IpApi:MaxRetries"] = "0";
            Clock = app.UseFakeTime();
        }
    }

    private IpApiEmulator upstream => site.Upstream;

    private RazorIpInfoFactory app => site.App;

    private FakeTimeProvider clock => site.Clock;

    [Fact]
    public async Task AnswerIsReusedUntilItIsAnHourOld()
    {
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
        var client = app.CreateClient();

        var first = await client.GetDocumentAsync("/?ip=8.8.4.4");
        clock.Advance(TimeSpan.FromMinutes(4));
        var later = await client.GetDocumentAsync("/?ip=8.8.4.4");

        Assert.Equal("Data from ip-api.com, just now.", Provenance(first));
        Assert.Equal("Data from ip-api.com, 4 minutes ago.", Provenance(later));
        Assert.Equal(1, upstream.RequestsFor("8.8.4.4"));
    }

    [Fact]
    public async Task ProvidersRefusalIsRememberedForADay()
    {
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
    [InlineData(500, "4.2.2.1")]
    [InlineData(429, "4.2.2.2")]
    public async Task LastGoodAnswerIsShownMarkedStaleWhenTheProviderCannotAnswer(int upstreamStatus, string address)
    {
        // A 429 stops every lookup of the site until the upstream's window has passed: a site of its own, so that the
        // tests after it do not inherit the stop.
        var own = upstreamStatus == 429 ? new CacheSite() : null;
        await (own?.InitializeAsync() ?? Task.CompletedTask);
        try
        {
            var (upstream, clock, client) = own is null ? (this.upstream, this.clock, app.CreateClient()) : (own.Upstream, own.Clock, own.Client);
            await client.GetAsync("/?ip=" + address);

            upstream.Respond(address, Response.Create().WithStatusCode(upstreamStatus));
            clock.Advance(TimeSpan.FromHours(3));

            var response = await client.GetAsync("/?ip=" + address);
            var page = await Html.ParseAsync(response);
            var api = await client.GetAsync("/api/ip-info/" + address);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(address, page.CardAddress());
            Assert.Equal("Ashburn", page.Facts()["City"]);
            var provenance = page.Card().QuerySelector(".provenance")!;
            Assert.Contains("stale", provenance.ClassList);
            Assert.StartsWith("Saved data from ip-api.com, 3 hours ago.", provenance.TextContent.Trim(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, api.StatusCode);
            Assert.Equal("true", api.Headers.GetValues(IpInfoApi.StaleHeader).Single());
            Assert.Equal("10800", api.Headers.GetValues("Age").Single());
        }
        finally
        {
            await (own?.DisposeAsync() ?? Task.CompletedTask);
        }
    }

    [Fact]
    public async Task StaleAnswerIsNotShownAfterAWeek()
    {
        var client = app.CreateClient();
        await client.GetAsync("/api/ip-info/4.2.2.3");

        upstream.Respond("4.2.2.3", Response.Create().WithStatusCode(500));
        clock.Advance(TimeSpan.FromDays(8));

        Assert.Equal(HttpStatusCode.BadGateway, (await client.GetAsync("/api/ip-info/4.2.2.3")).StatusCode);
    }

    [Fact]
    public async Task RefreshAsksTheProviderOnlyForAnAnswerAMinuteOld()
    {
        var client = app.CreateClient();
        await client.GetAsync("/?ip=1.1.1.1");

        for (var i = 0; i < 5; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(10));
            var page = await client.GetDocumentAsync("/?ip=1.1.1.1&refresh=1");
            Assert.Equal("1.1.1.1", page.CardAddress());
        }

        Assert.Equal(1, upstream.RequestsFor("1.1.1.1"));

        clock.Advance(TimeSpan.FromSeconds(15));
        var refreshed = await client.GetDocumentAsync("/?ip=1.1.1.1&refresh=1");
        await client.GetDocumentAsync("/?ip=1.1.1.1&refresh=1");

        Assert.Equal(2, upstream.RequestsFor("1.1.1.1"));
        Assert.Equal("Data from ip-api.com, just now.", Provenance(refreshed));
    }

    [Fact]
    public async Task RefreshButtonOfTheVisitorsOwnCardIsLimitedToo()
    {
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
        await client.GetAsync("/api/ip-info/1.0.0.1");

        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => client.GetAsync("/api/ip-info/149.112.112.112")));

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        // One shared call, and on a busy machine perhaps one more: a request that missed the memory cache just before
        // the shared call finished starts its own (HybridCache does not look in memory again before it starts a call;
        // seen twice in a dozen full runs). Without the sharing, the upstream would see up to 200.
        Assert.InRange(upstream.RequestsFor("149.112.112.112"), 1, 2);
    }

    [Fact]
    public async Task WithoutRedisTheSiteSaysOnceThatItsCacheIsPerProcess()
    {
        var client = app.CreateClient();
        await client.GetAsync("/api/ip-info/208.67.222.222");
        await client.GetAsync("/api/ip-info/2620:fe::9");

        Assert.Single(app.Logs.GetSnapshot(), log => log.Message.Contains("per-process", StringComparison.Ordinal));
    }

    // Redis without Cache:KeySecret stops start-up: see Observability/ConfigurationErrorTests.

    private static string Provenance(AngleSharp.Dom.IDocument page) =>
        page.Card().QuerySelector(".provenance")!.TextContent.Trim();
}
