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

    /// <summary>The clock of the site's budget: a stop passes when a test moves it, not while a busy machine dawdles.</summary>
    public Microsoft.Extensions.Time.Testing.FakeTimeProvider Clock { get; private set; } = null!;

    public Task InitializeAsync()
    {
        App = new RazorIpInfoFactory(unused);
        Clock = App.UseFakeTime();
        App.Settings["IpApi:BaseUrl"] = Upstream.Url;
        App.Settings["IpApi:Key"] = "pro-key-for-the-stop-tests";
        App.Settings["IpApi:AttemptTimeout"] = "00:00:02";
        App.Settings["IpApi:TotalTimeout"] = "00:00:03";
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
/// the visitor hears at once (a stop, not a timeout after the total timeout), and no call goes out until the stop
/// has passed. Each row stops the site for two seconds of the budget's clock and moves it past them.
/// </summary>
public sealed class UpstreamStopTests(KeyedHostileUpstreamSite site) : IClassFixture<KeyedHostileUpstreamSite>
{
    private static readonly TimeSpan Stop = TimeSpan.FromSeconds(2);

    /// <param name="Held">Whether the site then holds every lookup back until the stop has passed.</param>
    /// <param name="Calls">Upstream calls for the first lookup: a stop is never retried; a plain 503 is.</param>
    public sealed record Row(HostileUpstream.Behaviour Behaviour, HttpStatusCode Status, bool Held, int Calls = 1);

    private static readonly Dictionary<string, Func<string, DateTimeOffset, Row>> Rows = new()
    {
        ["429 with X-Rl 0 and X-Ttl"] = (_, _) => new(Status(429, "", ("X-Rl", "0"), ("X-Ttl", "2")), HttpStatusCode.ServiceUnavailable, Held: true),
        ["429 with Retry-After only"] = (_, _) => new(Status(429, "", ("Retry-After", "2")), HttpStatusCode.ServiceUnavailable, Held: true),
        ["429 with a junk X-Ttl and a Retry-After"] = (_, _) => new(Status(429, "", ("X-Ttl", "soon"), ("Retry-After", "2")), HttpStatusCode.ServiceUnavailable, Held: true),
        ["answer with X-Rl 0"] = (a, _) => new(Json(Answer(a), headers: [("X-Rl", "0"), ("X-Ttl", "2")]), HttpStatusCode.OK, Held: true),
        ["503 with Retry-After in seconds"] = (_, _) => new(Status(503, "", ("Retry-After", "2")), HttpStatusCode.BadGateway, Held: true),
        ["503 with Retry-After as a date"] = (_, now) => new(Status(503, "", ("Retry-After", now.AddSeconds(3).ToString("R", CultureInfo.InvariantCulture))), HttpStatusCode.BadGateway, Held: true),
        ["503 without Retry-After"] = (_, _) => new(Status(503, ""), HttpStatusCode.BadGateway, Held: false, Calls: 3),
        ["answer with X-Rl 0 but no X-Ttl"] = (a, _) => new(Json(Answer(a), headers: [("X-Rl", "0")]), HttpStatusCode.OK, Held: false),
        ["answer with budget left"] = (a, _) => new(Json(Answer(a), headers: [("X-Rl", "40"), ("X-Ttl", "30")]), HttpStatusCode.OK, Held: false),
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

        var row = Rows[signal](stopper, site.Clock.GetUtcNow());
        site.Upstream.On(stopper, row.Behaviour);

        using var first = await site.Client.GetAsync("/api/ip-info/" + stopper);
        using var second = await site.Client.GetAsync("/api/ip-info/" + next);
        // Past the longest stop (a Retry-After date 3 s ahead, and the second the budget adds to X-Ttl).
        site.Clock.Advance(Stop + TimeSpan.FromSeconds(3));
        using var third = await site.Client.GetAsync("/api/ip-info/" + after);

        // A 503 is the stop said at once; a wait for the total timeout would have been a 504.
        Assert.Equal(row.Status, first.StatusCode);
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
        using var redis = RedisServer.Shared();
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
