using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RazorIpInfo.Tests.Infrastructure;
using WireMock.ResponseBuilders;

namespace RazorIpInfo.Tests.Lookup.Quota;

public sealed class UpstreamQuotaTests : EmulatedUpstreamTests
{
    [Fact]
    public async Task NoUpstreamCallIsMadeOnceTheUpstreamSaysTheBudgetIsSpent()
    {
        var quota = new QuotaEnforcingUpstream(Upstream, limit: 10, TimeSpan.FromMinutes(1));
        await using var app = Unlimited(new RazorIpInfoFactory(Upstream));
        var client = app.CreateClientFor("8.8.8.8");

        var responses = await Task.WhenAll(Enumerable.Range(1, 60).Chunk(6).Select(async chunk =>
        {
            var pages = new List<(HttpStatusCode Status, string Title)>();
            foreach (var i in chunk)
            {
                var response = await client.GetAsync(FormattableString.Invariant($"/?ip=1.0.0.{i}"));
                pages.Add((response.StatusCode, (await Html.ParseAsync(response)).CardTitle()));
            }

            return pages;
        }));

        var all = responses.SelectMany(r => r).ToList();
        Assert.Equal(0, quota.Violations);
        Assert.InRange(quota.Answered, 1, 10);
        Assert.All(all, page => Assert.Equal(HttpStatusCode.OK, page.Status));
        Assert.Equal(quota.Answered, all.Count(page => page.Title != "Too many lookups right now"));
    }

    [Fact]
    public async Task SpentBudgetIsA503WithRetryAfterInTheApiAndDegradesReadiness()
    {
        _ = new QuotaEnforcingUpstream(Upstream, limit: 2, TimeSpan.FromMinutes(1));
        await using var app = Unlimited(new RazorIpInfoFactory(Upstream));
        var client = app.CreateClientFor("8.8.8.8");
        await client.GetAsync("/api/ip-info/1.0.0.1");
        await client.GetAsync("/api/ip-info/1.0.0.2");

        var held = await client.GetAsync("/api/ip-info/1.0.0.3");
        var ready = await client.GetFromJsonAsync<JsonElement>("/readyz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, held.StatusCode);
        // The upstream's window, plus the one second the site adds because X-Ttl is rounded down.
        Assert.InRange(held.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(61));
        Assert.Equal("Degraded", ready.GetProperty("status").GetString());
    }

    [Fact]
    public async Task RepeatedFailuresOpenTheCircuitAndLookupsFailFast()
    {
        // Distinct addresses, so the cache's per-address failure backoff does not hide the circuit.
        var addresses = Enumerable.Range(1, 11).Select(i => FormattableString.Invariant($"9.9.9.{i}")).ToList();
        foreach (var address in addresses)
        {
            Upstream.Respond(address, Response.Create().WithStatusCode(500));
        }

        await using var app = new RazorIpInfoFactory(Upstream);
        app.Settings["IpApi:MaxRetries"] = "0";
        var client = app.CreateClientFor("8.8.8.8");

        foreach (var address in addresses[..6])
        {
            await client.GetAsync("/api/ip-info/" + address);
        }

        var callsWhenOpen = Upstream.Requests.Count;
        var answers = new List<HttpStatusCode>();
        foreach (var address in addresses[6..])
        {
            answers.Add((await client.GetAsync("/api/ip-info/" + address)).StatusCode);
        }

        var ready = await client.GetFromJsonAsync<JsonElement>("/readyz");
        Assert.InRange(callsWhenOpen, 5, 6);
        Assert.Equal(callsWhenOpen, Upstream.Requests.Count);
        Assert.All(answers, status => Assert.Equal(HttpStatusCode.BadGateway, status));
        Assert.Equal("Degraded", ready.GetProperty("status").GetString());
        Assert.Contains("circuit", ready.GetProperty("checks").GetProperty("upstream").GetProperty("description").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoInstancesSharingRedisNeverExceedTheUpstreamsBudget()
    {
        using var redis = RedisServer.Shared();
        var quota = new QuotaEnforcingUpstream(Upstream, limit: 45, TimeSpan.FromMinutes(1));
        await using var first = Unlimited(new RazorIpInfoFactory(Upstream) { Redis = redis.ConnectionString });
        await using var second = Unlimited(new RazorIpInfoFactory(Upstream) { Redis = redis.ConnectionString });
        var clients = new[] { first.CreateClientFor("8.8.8.8"), second.CreateClientFor("8.8.4.4") };
        // Until its Redis connection is up, an instance keeps its own budget, by design: a full run once made one
        // call too many, most likely from that.
        await first.UntilRedisIsUpAsync();
        await second.UntilRedisIsUpAsync();

        // 300 distinct addresses, alternating between the instances, 10 at a time.
        var pages = await Task.WhenAll(Enumerable.Range(0, 300).Chunk(30).Select(async chunk =>
        {
            var results = new List<(HttpStatusCode Status, string Title)>();
            foreach (var i in chunk)
            {
                var response = await clients[i % 2].GetAsync(FormattableString.Invariant($"/?ip=1.0.{i / 250}.{(i % 250) + 1}"));
                results.Add((response.StatusCode, (await Html.ParseAsync(response)).CardTitle()));
            }

            return results;
        }));

        var all = pages.SelectMany(p => p).ToList();
        Assert.Equal(0, quota.Violations);
        Assert.InRange(quota.Answered, 1, 45);
        Assert.All(all, page => Assert.Equal(HttpStatusCode.OK, page.Status));
        Assert.All(all, page => Assert.True(
            page.Title == "Too many lookups right now" || page.Title.StartsWith("1.0.", StringComparison.Ordinal),
            $"Neither a card nor the busy answer: {page.Title}"));
        Assert.Equal(quota.Answered, all.Count(page => page.Title != "Too many lookups right now"));
    }

    private static RazorIpInfoFactory Unlimited(RazorIpInfoFactory app)
    {
        // The budget's minute is on a clock nobody moves: a busy machine that takes longer than a minute cannot
        // start the site's next window while the emulator's is still spent.
        app.UseFakeTime();
        app.Settings["RateLimits:LookupsPerMinute"] = "100000";
        app.Settings["IpApi:RequestsPerMinute"] = 45.ToString(CultureInfo.InvariantCulture);
        return app;
    }
}
