using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using RazorIpInfo.Lookup;
using RazorIpInfo.Lookup.IpApi;
using RazorIpInfo.Redis;
using RazorIpInfo.Tests.Infrastructure;
using static RazorIpInfo.Tests.Infrastructure.HostileUpstream.Answers;

namespace RazorIpInfo.Tests.Lookup.IpApi;

/// <summary>
/// The same hostile rows against ip-api.com's two endpoints, single (<c>GET /json/{ip}</c>) and batch
/// (<c>POST /batch</c>): one client set-up, so one behaviour. Each row gets an upstream and a client of its own
/// (a fresh budget and circuit), without a web host. Time is a fake clock the test moves: a dripped or silent
/// answer is cut by the site's own timeout, measured on that clock, in milliseconds of real time.
/// </summary>
public sealed class BothEndpointsTests
{
    public enum Endpoint
    {
        OneAddress,
        Batch,
    }

    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan TotalTimeout = TimeSpan.FromSeconds(4);

    public enum Outcome
    {
        Found,
        Unavailable,
        QuotaExhausted,
    }

    /// <param name="Answer">The upstream's behaviour, given how the endpoint shapes an answer object into a body.</param>
    /// <param name="Calls">Requests that reach the upstream for the lookup.</param>
    /// <param name="Blank">A field that must be left out of the record.</param>
    /// <param name="Held">Whether a second lookup is then held back without a call.</param>
    /// <param name="Slow">Whether the upstream keeps the lookup waiting, so that only the site's timeouts end it:
    /// the clock is moved for these rows only, so that a prompt answer on a busy machine is never cut by a clock
    /// that ran ahead of it. The retry delay runs on that clock too.</param>
    public sealed record Row(Func<Func<Dictionary<string, object?>, byte[]>, HostileUpstream.Behaviour> Answer, Outcome Outcome, int Calls = 1, string? Blank = null, bool Held = false, bool Slow = false);

    private const string Address = "45.40.0.10";

    private static readonly Dictionary<string, Row> Rows = new()
    {
        ["well-formed answer"] = new(body => Typed(body(Answer())), Outcome.Found),

        // The charset is not trusted, nor failed on: the bytes are ip-api.com's UTF-8.
        ["charset latin1 declared"] = new(body => Typed(body(Answer()), "application/json; charset=iso-8859-1"), Outcome.Found),
        ["charset utf-16 declared, utf-8 sent"] = new(body => Typed(body(Answer()), "application/json; charset=utf-16"), Outcome.Found),
        ["unknown charset"] = new(body => Typed(body(Answer()), "application/json; charset=klingon"), Outcome.Found),

        // Redirects are answers, not directions: nothing is asked of the place they name.
        ["302 to another host"] = new(_ => Status(302, "", ("Location", "http://localhost:9/elsewhere")), Outcome.Unavailable),
        ["307 to another host"] = new(_ => Status(307, "", ("Location", "http://localhost:9/elsewhere")), Outcome.Unavailable),
        ["308 to another path here"] = new(_ => Status(308, "", ("Location", "/elsewhere")), Outcome.Unavailable),

        // Time: the whole exchange is bounded, the body included. A timed-out attempt is retried once, within the total.
        ["no answer at all"] = new(_ => Silence, Outcome.Unavailable, Calls: 2, Slow: true),
        ["body dripped at 2 bytes/s"] = new(body => Drip(Head(200, body(Answer()).Length, ("Content-Type", "application/json")), body(Answer()), TimeSpan.FromMilliseconds(500)), Outcome.Unavailable, Calls: 2, Slow: true),
        ["headers then no body"] = new(_ => ThenSilence(Head(200, 500, ("Content-Type", "application/json"))), Outcome.Unavailable, Calls: 2, Slow: true),

        // Sizes, compressed or not.
        ["declared 10 MB body"] = new(_ => Huge(10 * 1024 * 1024, declared: true), Outcome.Unavailable),
        ["chunked 10 MB body"] = new(_ => Huge(10 * 1024 * 1024, declared: false), Outcome.Unavailable),
        ["gzip bomb (10 MB inflated)"] = new(_ => Compressed("gzip", new byte[10 * 1024 * 1024]), Outcome.Unavailable),

        // Lies.
        ["answer about another address"] = new(body => Typed(body(Answer(("query", "1.2.3.4")))), Outcome.Unavailable),
        ["truncated JSON"] = new(body => Typed(body(Answer())[..40]), Outcome.Unavailable),
        ["HTML page with 200"] = new(_ => Status(200, "<html>captive portal</html>", ("Content-Type", "text/html")), Outcome.Unavailable),
        ["AS number with a terminal escape"] = new(body => Typed(body(Answer(("as", "AS1\u001b]0;pwned\u0007 Evil")))), Outcome.Found, Blank: "AsNumber"),
        ["AS number with a line break"] = new(body => Typed(body(Answer(("as", "AS1\r\nInjected: yes")))), Outcome.Found, Blank: "AsNumber"),
        ["AS number 5,000 digits long"] = new(body => Typed(body(Answer(("as", "AS" + new string('9', 5000))))), Outcome.Found, Blank: "AsNumber"),

        // Stops, obeyed with a key as without: at once, not retried, and no call until they pass.
        ["429 with X-Rl 0 and X-Ttl"] = new(_ => Status(429, "", ("X-Rl", "0"), ("X-Ttl", "30")), Outcome.QuotaExhausted, Held: true),
        ["503 with Retry-After"] = new(_ => Status(503, "", ("Retry-After", "30")), Outcome.Unavailable, Held: true),
        ["500, retried once"] = new(_ => Status(500, "oops"), Outcome.Unavailable, Calls: 2, Slow: true),
    };

    public static TheoryData<string, Endpoint> Cases()
    {
        var cases = new TheoryData<string, Endpoint>();
        foreach (var row in Rows.Keys)
        {
            cases.Add(row, Endpoint.OneAddress);
            cases.Add(row, Endpoint.Batch);
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task BothEndpointsTreatAHostileUpstreamAlike(string misbehaviour, Endpoint endpoint)
    {
        var row = Rows[misbehaviour];
        await using var upstream = new HostileUpstream();
        var path = endpoint == Endpoint.OneAddress ? IpApiEmulator.PathFor(Address) : "/batch";
        upstream.OnPath(path, row.Answer(answer => endpoint == Endpoint.OneAddress ? Utf8(answer) : Utf8(new[] { answer })));
        await using var lookups = IpApiLookups.Start(upstream.Url, new() { ["IpApi:Key"] = "a-pro-key" });

        var (result, waited) = await lookups.RunAsync(endpoint, Address, moveClockFor: row.Slow ? upstream : null);

        Assert.Equal(row.Outcome, result switch
        {
            LookupResult.Found => Outcome.Found,
            LookupResult.QuotaExhausted => Outcome.QuotaExhausted,
            _ => Outcome.Unavailable,
        });
        Assert.True(waited <= TotalTimeout + TimeSpan.FromSeconds(1), $"the lookup took {waited.TotalSeconds} s of the clock");
        Assert.Equal(row.Calls, upstream.RequestsTo(path));
        Assert.Equal(0, upstream.RequestsTo("/elsewhere"));
        if (result is LookupResult.Found found)
        {
            Assert.Equal(Address, found.Info.Address);
            Assert.Equal("Ashburn", found.Info.City);
            if (row.Blank is { } blank)
            {
                Assert.Null(typeof(IpInfo).GetProperty(blank)!.GetValue(found.Info));
            }
        }

        var (second, _) = await lookups.RunAsync(endpoint, "45.40.0.11", moveClockFor: row.Slow ? upstream : null);
        if (row.Held)
        {
            Assert.IsNotType<LookupResult.Found>(second);
            Assert.Equal(row.Calls, upstream.Requests);
        }
    }

    [Fact]
    public async Task ABulkLookupOfAThousandAddressesToASilentUpstreamEndsAtItsTenSecondDeadline()
    {
        await using var upstream = new HostileUpstream();
        upstream.OnPath("/batch", Silence);
        await using var lookups = IpApiLookups.Start(upstream.Url, new()
        {
            ["Bulk:BatchAttemptTimeout"] = "00:00:04",
            ["Bulk:BatchTotalTimeout"] = "00:00:09",
        });
        var addresses = Enumerable.Range(0, 1000).Select(i => IPAddress.Parse($"45.41.{i / 250}.{i % 250 + 1}")).ToList();

        var (results, waited) = await lookups.RunManyAsync(addresses, upstream, attemptTimeout: TimeSpan.FromSeconds(4));

        // Ten seconds, below the request's own 12 s and nginx's 15 s, whatever the batch timeouts would allow in all.
        Assert.InRange(waited, TimeSpan.FromSeconds(9.5), TimeSpan.FromSeconds(11));
        Assert.Equal(1000, results.Count);
        Assert.All(results, r => Assert.Equal(new LookupResult.Unavailable(UnavailableReason.Timeout), r));
        // What is left when the deadline passes is not sent at all.
        Assert.InRange(upstream.RequestsTo("/batch"), 1, 4);
    }

    [Fact]
    public async Task ABatchRequestCarriesAContentLength()
    {
        using var emulator = IpApiEmulator.Start();
        await using var lookups = IpApiLookups.Start(emulator.Url, []);

        var (results, _) = await lookups.RunManyAsync([IPAddress.Parse("8.8.8.8")], moveClockFor: null, TimeSpan.Zero);

        Assert.IsType<LookupResult.Found>(Assert.Single(results));
        var request = Assert.Single(emulator.Server.Received(), e => e.RequestMessage!.Path == "/batch").RequestMessage!;
        Assert.True(request.Headers!.ContainsKey("Content-Length"));
        Assert.False(request.Headers.ContainsKey("Transfer-Encoding"));
    }

    private static Dictionary<string, object?> Answer(params (string Field, object? Value)[] changes)
    {
        var answer = new Dictionary<string, object?>
        {
            ["status"] = "success",
            ["country"] = "United States",
            ["countryCode"] = "US",
            ["regionName"] = "Virginia",
            ["city"] = "Ashburn",
            ["as"] = "AS64500 Example",
            ["query"] = Address,
        };
        foreach (var (field, value) in changes)
        {
            answer[field] = value;
        }

        return answer;
    }

    private static byte[] Utf8(object body) => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(body));

    private static HostileUpstream.Behaviour Typed(byte[] body, string contentType = "application/json") =>
        Bytes(Head(200, body.Length, ("Content-Type", contentType)), body);
}

/// <summary>
/// The lookup services as the site registers them, without a web host, on a fake clock that <see cref="RunAsync"/>
/// moves while a lookup is under way.
/// </summary>
internal sealed class IpApiLookups : IAsyncDisposable
{
    private readonly IHost host;

    private IpApiLookups(IHost host, FakeTimeProvider clock)
    {
        this.host = host;
        Clock = clock;
    }

    public FakeTimeProvider Clock { get; }

    public IpApiClient Client => host.Services.GetRequiredService<IpApiClient>();

    public static IpApiLookups Start(string upstreamUrl, Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Production });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["IpApi:BaseUrl"] = upstreamUrl,
            ["IpApi:AttemptTimeout"] = "00:00:02",
            ["IpApi:TotalTimeout"] = "00:00:04",
            ["IpApi:MaxRetries"] = "1",
            ["Bulk:BatchAttemptTimeout"] = "00:00:02",
            ["Bulk:BatchTotalTimeout"] = "00:00:04",
            ["Cache:KeySecret"] = "test",
        });
        builder.Configuration.AddInMemoryCollection(settings);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddMetrics();
        builder.Logging.AddFakeLogging();
        builder.AddRedis();
        builder.AddIpLookup();
        return new IpApiLookups(builder.Build(), clock);
    }

    public async Task<(LookupResult Result, TimeSpan Waited)> RunAsync(BothEndpointsTests.Endpoint endpoint, string address, HostileUpstream? moveClockFor)
    {
        var ip = IPAddress.Parse(address);
        if (endpoint == BothEndpointsTests.Endpoint.OneAddress)
        {
            return await UntilDoneAsync(Client.LookupAsync(ip, "en", CancellationToken.None), moveClockFor, AttemptTimeout);
        }

        var (results, waited) = await RunManyAsync([ip], moveClockFor, AttemptTimeout);
        return (Assert.Single(results), waited);
    }

    /// <summary>The attempt timeout <see cref="Start"/> configures.</summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(2);

    public Task<(IReadOnlyList<LookupResult> Results, TimeSpan Waited)> RunManyAsync(IReadOnlyList<IPAddress> addresses, HostileUpstream? moveClockFor, TimeSpan attemptTimeout) =>
        UntilDoneAsync(Client.LookupManyAsync(addresses, "en", allowance: null, CancellationToken.None), moveClockFor, attemptTimeout);

    /// <summary>
    /// Waits for <paramref name="lookup"/>, and when an upstream is given moves the clock in 100 ms steps while the
    /// lookup waits on it, saying how far it moved: the time the lookup took on the site's clock. The clock runs only
    /// once a request has reached the upstream, and only for an attempt's timeout and a little more (the retry delay)
    /// after each arrival: moved blindly, a busy machine's slow connect became seconds of the site's clock, and an attempt
    /// timed out before the upstream had heard of it (issue 28). A lookup that sends nothing more still ends: after two
    /// seconds of real time without an arrival the clock moves on anyway.
    /// </summary>
    private Task<(T, TimeSpan)> UntilDoneAsync<T>(Task<T> lookup, HostileUpstream? upstream, TimeSpan attemptTimeout)
    {
        var allowance = attemptTimeout + TimeSpan.FromMilliseconds(500);
        var arrivals = upstream?.Requests ?? 0;
        var lastArrival = Clock.GetUtcNow();
        var idle = System.Diagnostics.Stopwatch.StartNew();
        bool MayMove()
        {
            if (upstream is null)
            {
                return false;
            }

            if (upstream.Requests > arrivals)
            {
                (arrivals, lastArrival) = (upstream.Requests, Clock.GetUtcNow());
                idle.Restart();
            }

            return (arrivals > 0 && Clock.GetUtcNow() - lastArrival < allowance) || idle.Elapsed > TimeSpan.FromSeconds(2);
        }

        return Clock.UntilAnsweredAsync(lookup, MayMove);
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
    }
}
