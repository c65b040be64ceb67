using System.Net;
using RazorIpInfo.Api;
using RazorIpInfo.Tests.Infrastructure;
using RazorIpInfo.Tests.Lookup.IpApi;
using static RazorIpInfo.Tests.Infrastructure.HostileUpstream.Answers;

namespace RazorIpInfo.Tests.Lookup.Caching;

/// <summary>
/// When the upstream hangs or drips and an older answer is cached, the visitor gets that answer, marked stale, in
/// time. The whole site runs on a fake clock: the hang lasts until the test has moved it past the timeouts.
/// </summary>
public sealed class StaleOnHangTests
{
    private const string Address = "45.35.0.10";

    public static TheoryData<string> Hangs => ["silence", "headers then silence", "body dripped"];

    [Theory]
    [MemberData(nameof(Hangs))]
    public async Task StaleCardIsShownWithinTheTimeoutWhenTheUpstreamHangs(string hang)
    {
        using var unused = IpApiEmulator.Start();
        await using var upstream = new HostileUpstream();
        await using var app = new RazorIpInfoFactory(unused);
        app.Settings["IpApi:BaseUrl"] = upstream.Url;
        app.Settings["IpApi:AttemptTimeout"] = HostileUpstreamSite.AttemptTimeout.ToString();
        app.Settings["IpApi:TotalTimeout"] = HostileUpstreamSite.TotalTimeout.ToString();
        app.Settings["IpApi:MaxRetries"] = "0";
        app.WithFakeTimeEverywhere();
        var json = "{\"status\":\"success\",\"country\":\"United States\",\"countryCode\":\"US\",\"city\":\"Ashburn\",\"query\":\"" + Address + "\"}";
        upstream.On(Address, JsonText(json));
        var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/ip-info/" + Address)).StatusCode);

        upstream.On(Address, hang switch
        {
            "silence" => Silence,
            "headers then silence" => ThenSilence(Head(200, 500, ("Content-Type", "application/json"))),
            _ => Drip(Head(200, json.Length), System.Text.Encoding.UTF8.GetBytes(json), TimeSpan.FromMilliseconds(500)),
        });
        var clock = app.Clock!;
        clock.Advance(TimeSpan.FromHours(2));
        // The clock moves once the upstream has the refresh, and never past the total timeout: a stale answer that
        // needed longer would never come.
        using var api = await app.MovingTimeUntilAsync(
            client.GetAsync("/api/ip-info/" + Address), () => upstream.RequestsFor(Address) > 1, upTo: HostileUpstreamSite.TotalTimeout);
        // Should the page ask the upstream again, the clock moves for it too, and the count below says so.
        var page = await Html.ParseAsync(await app.MovingTimeUntilAsync(
            client.GetAsync("/?ip=" + Address), () => upstream.RequestsFor(Address) > 2, upTo: HostileUpstreamSite.TotalTimeout));

        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        Assert.Equal("true", api.Headers.GetValues(IpInfoApi.StaleHeader).Single());
        Assert.Equal("Ashburn", page.Facts()["City"]);
        Assert.NotNull(page.Card().QuerySelector(".provenance.stale"));
        // The first answer, then one refresh that failed; the page after it did not ask again.
        Assert.Equal(2, upstream.RequestsFor(Address));
    }
}
