using System.Diagnostics;
using System.Globalization;
using System.Net;
using RazorIpInfo.Tests.Infrastructure;
using static RazorIpInfo.Tests.Infrastructure.HostileUpstream.Answers;

namespace RazorIpInfo.Tests.Lookup.IpApi;

/// <summary>A site with a pro key (no budget of its own) and the default retries, in front of an upstream that may say stop.</summary>
public sealed class KeyedHostileUpstreamSite : IAsyncLifetime
{
    private readonly IpApiEmulator unused = IpApiEmulator.Start();

    public HostileUpstream Upstream { get; } = new();

    public RazorIpInfoFactory App { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public Task InitializeAsync()
    {
        App = new RazorIpInfoFactory(unused);
        App.Settings["IpApi:BaseUrl"] = Upstream.Url;
        App.Settings["IpApi:Key"] = "pro-key-for-the-stop-tests";
        App.Settings["IpApi:AttemptTimeout"] = "00:00:02";
        App.Settings["IpApi:TotalTimeout"] = HostileUpstreamSite.TotalTimeout.ToString();
        App.Settings["IpApi:CircuitMinimumThroughput"] = "10000";
        Client = App.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
        await Upstream.DisposeAsync();
        unused.Dispose();
    }
}

/// <summary>
/// An upstream that says stop — 429, <c>X-Rl: 0</c>, 503 with Retry-After — is obeyed even with a key:
/// the visitor hears at once (no wait for the total timeout), and no call goes out until the stop has passed.
/// Each row stops the site for two seconds and waits them out before the next row.
/// </summary>
public sealed class UpstreamStopTests(KeyedHostileUpstreamSite site) : IClassFixture<KeyedHostileUpstreamSite>
{
    private static readonly TimeSpan Stop = TimeSpan.FromSeconds(2);

    /// <param name="Held">Whether the site then holds every lookup back until the stop has passed.</param>
    /// <param name="Calls">Upstream calls for the first lookup: a stop is never retried; a plain 503 is.</param>
    public sealed record Row(HostileUpstream.Behaviour Behaviour, HttpStatusCode Status, bool Held, int Calls = 1);

    private static readonly Dictionary<string, Func<string, Row>> Rows = new()
    {
        ["429 with X-Rl 0 and X-Ttl"] = _ => new(Status(429, "", ("X-Rl", "0"), ("X-Ttl", "2")), HttpStatusCode.ServiceUnavailable, Held: true),
        ["429 with Retry-After only"] = _ => new(Status(429, "", ("Retry-After", "2")), HttpStatusCode.ServiceUnavailable, Held: true),
        ["429 with a junk X-Ttl and a Retry-After"] = _ => new(Status(429, "", ("X-Ttl", "soon"), ("Retry-After", "2")), HttpStatusCode.ServiceUnavailable, Held: true),
        ["answer with X-Rl 0"] = a => new(Json(Answer(a), headers: [("X-Rl", "0"), ("X-Ttl", "2")]), HttpStatusCode.OK, Held: true),
        ["503 with Retry-After in seconds"] = _ => new(Status(503, "", ("Retry-After", "2")), HttpStatusCode.BadGateway, Held: true),
        ["503 with Retry-After as a date"] = _ => new(Status(503, "", ("Retry-After", DateTimeOffset.UtcNow.AddSeconds(3).ToString("R", CultureInfo.InvariantCulture))), HttpStatusCode.BadGateway, Held: true),
        ["503 without Retry-After"] = _ => new(Status(503, ""), HttpStatusCode.BadGateway, Held: false, Calls: 3),
        ["answer with X-Rl 0 but no X-Ttl"] = a => new(Json(Answer(a), headers: [("X-Rl", "0")]), HttpStatusCode.OK, Held: false),
        ["answer with budget left"] = a => new(Json(Answer(a), headers: [("X-Rl", "40"), ("X-Ttl", "30")]), HttpStatusCode.OK, Held: false),
    };

    public static TheoryData<string> Signals => [.. Rows.Keys];

    [Theory]
    [MemberData(nameof(Signals))]
    public async Task AStopIsAnsweredAtOnceAndObeyedUntilItPasses(string signal)
    {
        var index = Rows.Keys.ToList().IndexOf(signal);
        var (stopper, next, after) = ($"45.34.{index}.10", $"45.34.{index}.11", $"45.34.{index}.12");
        foreach (var address in new[] { next, after })
        {
            site.Upstream.On(address, Json(Answer(address)));
        }

        var row = Rows[signal](stopper);
        site.Upstream.On(stopper, row.Behaviour);
        var clock = Stopwatch.StartNew();

        using var first = await site.Client.GetAsync("/api/ip-info/" + stopper);
        var firstTime = clock.Elapsed;
        using var second = await site.Client.GetAsync("/api/ip-info/" + next);
        if (row.Held)
        {
            await Task.Delay(Stop + TimeSpan.FromSeconds(2) - clock.Elapsed);
        }

        using var third = await site.Client.GetAsync("/api/ip-info/" + after);

        Assert.Equal(row.Status, first.StatusCode);
        Assert.True(firstTime < TimeSpan.FromSeconds(2), $"the stop took {firstTime.TotalSeconds:0.0} s to reach the visitor");
        Assert.Equal(row.Calls, site.Upstream.RequestsFor(stopper));
        if (row.Held)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);
            Assert.NotNull(second.Headers.RetryAfter);
            Assert.Equal(0, site.Upstream.RequestsFor(next));
        }
        else
        {
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
            Assert.Equal(1, site.Upstream.RequestsFor(next));
        }

        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        Assert.Equal(1, site.Upstream.RequestsFor(after));
    }

    private static Dictionary<string, object?> Answer(string address) => new()
    {
        ["status"] = "success",
        ["country"] = "United States",
        ["countryCode"] = "US",
        ["city"] = "Ashburn",
        ["query"] = address,
    };
}

/// <summary>A stop heard by one instance holds back every instance sharing the budget through Redis, key or no key.</summary>
public sealed class SharedUpstreamStopTests
{
    [Fact]
    public async Task AStopHeardByOneInstanceIsObeyedByTheOtherWithAKey()
    {
        using var redis = RedisServer.Start();
        using var unused = IpApiEmulator.Start();
        await using var upstream = new HostileUpstream();
        await using var first = Keyed(new RazorIpInfoFactory(unused) { Redis = redis.ConnectionString }, upstream);
        await using var second = Keyed(new RazorIpInfoFactory(unused) { Redis = redis.ConnectionString }, upstream);
        // A stop far longer than the test: at 3 s, a loaded machine once let it pass before the second request.
        upstream.On("45.36.0.10", Status(429, "", ("X-Rl", "0"), ("X-Ttl", "30")));
        upstream.On("45.36.0.11", Json(new { status = "success", query = "45.36.0.11", countryCode = "US" }));

        await first.UntilRedisIsUpAsync();
        await second.UntilRedisIsUpAsync();

        using var stopped = await first.CreateClient().GetAsync("/api/ip-info/45.36.0.10");
        using var held = await second.CreateClient().GetAsync("/api/ip-info/45.36.0.11");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, stopped.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, held.StatusCode);
        // What is left of the 30 s stop, with the second the budget adds so that nobody comes back early.
        Assert.InRange(held.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(31));
        Assert.Equal(1, upstream.RequestsFor("45.36.0.10"));
        Assert.Equal(0, upstream.RequestsFor("45.36.0.11"));
    }

    private static RazorIpInfoFactory Keyed(RazorIpInfoFactory app, HostileUpstream upstream)
    {
        app.Settings["IpApi:BaseUrl"] = upstream.Url;
        app.Settings["IpApi:Key"] = "pro-key-for-the-stop-tests";
        return app;
    }
}
