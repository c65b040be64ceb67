using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using RazorIpInfo.Tests.Infrastructure;
using static RazorIpInfo.Tests.Infrastructure.HostileUpstream.Answers;

namespace RazorIpInfo.Tests.Lookup.IpApi;

/// <summary>
/// One site, one hostile upstream. No retries and a circuit that never opens, so that every row costs
/// exactly the upstream calls it says, whatever ran before it; each row asks about an address of its own.
/// </summary>
public sealed class HostileUpstreamSite : IAsyncLifetime
{
    /// <summary>
    /// Long, on the site's clock, which the rows move. The handler's connect timeout takes the attempt's value and runs
    /// on real time: at 2 s, a loopback connect once outlasted it with two suites at once on two cores, and a row that
    /// expected a bad gateway met a timeout.
    /// </summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan TotalTimeout = TimeSpan.FromSeconds(12);

    /// <summary>
    /// The real time every visitor-facing answer must take less than, whatever the upstream does: the site's
    /// timeouts run on a fake clock here (a stall is cut when the row moves it past them), so this bounds only the
    /// work an answer costs (a 10 MB body, a bomb), with room for a loaded machine.
    /// </summary>
    public static readonly TimeSpan Bound = TotalTimeout + TimeSpan.FromSeconds(12);

    private readonly IpApiEmulator unused = IpApiEmulator.Start();

    public HostileUpstream Upstream { get; } = new();

    public RazorIpInfoFactory App { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public Task InitializeAsync()
    {
        App = new RazorIpInfoFactory(unused);
        App.Settings["IpApi:BaseUrl"] = Upstream.Url;
        App.Settings["IpApi:AttemptTimeout"] = AttemptTimeout.ToString();
        App.Settings["IpApi:TotalTimeout"] = TotalTimeout.ToString();
        App.Settings["IpApi:MaxRetries"] = "0";
        App.Settings["IpApi:CircuitMinimumThroughput"] = "10000";
        App.Settings["IpApi:RequestsPerMinute"] = "0";
        // Timeouts pass when a row moves the clock: the rows whose upstream stalls, once it has the request.
        App.WithFakeTimeEverywhere();
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

public sealed class HostileUpstreamTests(HostileUpstreamSite site) : IClassFixture<HostileUpstreamSite>
{
    /// <param name="Blank">A field of the JSON answer that must be absent, for answers shown with a value left out.</param>
    /// <param name="Calls">Requests that reach the upstream for the lookup.</param>
    public sealed record Row(HostileUpstream.Behaviour Behaviour, HttpStatusCode Status, string? Blank = null, int Calls = 1);

    private static readonly Dictionary<string, Func<string, string, Row>> Rows = new()
    {
        // The yardstick: a well-behaved answer is shown.
        ["well-formed answer"] = (a, _) => new(Json(Answer(a)), HttpStatusCode.OK),
        ["gzip-compressed answer"] = (a, _) => new(Compressed("gzip", Utf8(Answer(a))), HttpStatusCode.OK),
        ["brotli-compressed answer"] = (a, _) => new(Compressed("br", Utf8(Answer(a))), HttpStatusCode.OK),

        // Time: the whole exchange is bounded, the body included.
        ["no answer at all"] = (_, _) => new(Silence, HttpStatusCode.GatewayTimeout),
        ["headers dripped a byte every 300 ms"] = (a, _) => new(Drip([], Full(Answer(a)), TimeSpan.FromMilliseconds(300)), HttpStatusCode.GatewayTimeout),
        ["status line then silence"] = (_, _) => new(ThenSilence("HTTP/1.1 200 OK\r\n"u8.ToArray()), HttpStatusCode.GatewayTimeout),
        ["headers then no body"] = (_, _) => new(ThenSilence(Head(200, 500, ("Content-Type", "application/json"))), HttpStatusCode.GatewayTimeout),
        ["body dripped at 2 bytes/s"] = (a, _) => new(Drip(Head(200, Utf8(Answer(a)).Length), Utf8(Answer(a)), TimeSpan.FromMilliseconds(500)), HttpStatusCode.GatewayTimeout),
        ["chunked body dripped then silence"] = (_, _) => new(ThenSilence([.. HeadWithout(200, ("Transfer-Encoding", "chunked")), .. "5\r\n{\"sta\r\n"u8]), HttpStatusCode.GatewayTimeout),
        ["half the body then silence"] = (a, _) => new(ThenSilence([.. Head(200, Utf8(Answer(a)).Length), .. Utf8(Answer(a)).AsSpan(0, 20)]), HttpStatusCode.GatewayTimeout),

        // Resets and early closes.
        ["reset before anything"] = (_, _) => new(ThenReset([]), HttpStatusCode.BadGateway),
        ["reset mid status line"] = (_, _) => new(ThenReset("HTTP/1.1 20"u8.ToArray()), HttpStatusCode.BadGateway),
        ["reset mid headers"] = (_, _) => new(ThenReset("HTTP/1.1 200 OK\r\nContent-Type: appl"u8.ToArray()), HttpStatusCode.BadGateway),
        ["reset mid body"] = (a, _) => new(ThenReset([.. Head(200, Utf8(Answer(a)).Length), .. Utf8(Answer(a)).AsSpan(0, 20)]), HttpStatusCode.BadGateway),
        ["clean close mid body"] = (a, _) => new(Bytes(Head(200, Utf8(Answer(a)).Length), Utf8(Answer(a))[..20]), HttpStatusCode.BadGateway),
        // SocketsHttpHandler itself retries a GET whose connection closed before any byte came back, at
        // most three times, at once: bounded and cheap, but each one is a request the upstream sees.
        ["close without a word"] = (_, _) => new(Bytes(), HttpStatusCode.BadGateway, Calls: 4),
        ["not HTTP at all"] = (_, _) => new(Bytes("SSH-2.0-OpenSSH_9.6\r\n"u8.ToArray()), HttpStatusCode.BadGateway),
        ["broken chunk size"] = (_, _) => new(Bytes(HeadWithout(200, ("Transfer-Encoding", "chunked")), "zz\r\n{}\r\n0\r\n\r\n"u8.ToArray()), HttpStatusCode.BadGateway),

        // Sizes, compressed or not.
        ["declared 10 MB body"] = (_, _) => new(Huge(10 * 1024 * 1024, declared: true), HttpStatusCode.BadGateway),
        ["chunked 10 MB body"] = (_, _) => new(Huge(10 * 1024 * 1024, declared: false), HttpStatusCode.BadGateway),
        ["gzip bomb (10 MB inflated)"] = (_, _) => new(Compressed("gzip", new byte[10 * 1024 * 1024]), HttpStatusCode.BadGateway),
        ["deflate bomb (10 MB inflated)"] = (_, _) => new(Compressed("deflate", new byte[10 * 1024 * 1024]), HttpStatusCode.BadGateway),
        ["brotli bomb (10 MB inflated)"] = (_, _) => new(Compressed("br", new byte[10 * 1024 * 1024]), HttpStatusCode.BadGateway),
        ["100 KB header"] = (a, _) => new(Bytes(Head(200, Utf8(Answer(a)).Length, ("X-Padding", new string('a', 100 * 1024))), Utf8(Answer(a))), HttpStatusCode.BadGateway),
        ["gzip declared, plain sent"] = (a, _) => new(Bytes(Head(200, Utf8(Answer(a)).Length, ("Content-Encoding", "gzip")), Utf8(Answer(a))), HttpStatusCode.BadGateway),

        // Redirects are answers, not directions.
        ["302 to another host"] = (_, other) => new(Status(302, "", ("Location", other + "/elsewhere")), HttpStatusCode.BadGateway),
        ["302 to another path here"] = (_, _) => new(Status(302, "", ("Location", "/elsewhere")), HttpStatusCode.BadGateway),
        ["301 loop to itself"] = (a, _) => new(Status(301, "", ("Location", IpApiEmulator.PathFor(a))), HttpStatusCode.BadGateway),
        ["307 to https"] = (a, _) => new(Status(307, "", ("Location", "https://127.0.0.1/json/" + a)), HttpStatusCode.BadGateway),
        ["308 permanent"] = (_, _) => new(Status(308, "", ("Location", "/elsewhere")), HttpStatusCode.BadGateway),

        // Statuses that are not an answer.
        ["500"] = (_, _) => new(Status(500, "oops"), HttpStatusCode.BadGateway),
        ["503 without Retry-After"] = (_, _) => new(Status(503, "busy"), HttpStatusCode.BadGateway),
        ["404 with an HTML page"] = (_, _) => new(Status(404, "<html>not here</html>", ("Content-Type", "text/html")), HttpStatusCode.BadGateway),
        ["204 no content"] = (_, _) => new(Status(204), HttpStatusCode.BadGateway),
        ["200 with an empty body"] = (_, _) => new(Status(200, "", ("Content-Type", "application/json")), HttpStatusCode.BadGateway),
        ["200 with an HTML page"] = (_, _) => new(Status(200, "<html><body>captive portal</body></html>", ("Content-Type", "text/html")), HttpStatusCode.BadGateway),

        // Lying or malformed JSON: an error, never an answer.
        ["answer about another address"] = (a, _) => new(Json(Answer(a, ("query", "1.2.3.4"))), HttpStatusCode.BadGateway),
        ["answer with no query"] = (a, _) => new(Json(Answer(a, ("query", null))), HttpStatusCode.BadGateway),
        ["query that is not an address"] = (a, _) => new(Json(Answer(a, ("query", "<script>"))), HttpStatusCode.BadGateway),
        ["query given twice, the other address last"] = (a, _) => new(JsonText(JsonSerializer.Serialize(Answer(a))[..^1] + ",\"query\":\"1.2.3.4\"}"), HttpStatusCode.BadGateway),
        ["no status"] = (a, _) => new(Json(Answer(a, ("status", null))), HttpStatusCode.BadGateway),
        ["unknown failure message"] = (a, _) => new(Json(new { status = "fail", message = "the moon is full", query = a }), HttpStatusCode.BadGateway),
        ["latitude as a word"] = (a, _) => new(Json(Answer(a, ("lat", "north"))), HttpStatusCode.BadGateway),
        ["fractional offset"] = (a, _) => new(Json(Answer(a, ("offset", 3600.5))), HttpStatusCode.BadGateway),
        ["city as a number"] = (a, _) => new(Json(Answer(a, ("city", 42))), HttpStatusCode.BadGateway),
        ["mobile as a word"] = (a, _) => new(Json(Answer(a, ("mobile", "yes"))), HttpStatusCode.BadGateway),
        ["array instead of object"] = (a, _) => new(Json(new[] { Answer(a) }), HttpStatusCode.BadGateway),
        ["truncated JSON"] = (a, _) => new(JsonText(JsonSerializer.Serialize(Answer(a))[..40]), HttpStatusCode.BadGateway),
        ["nesting 1,000 deep"] = (a, _) => new(JsonText(JsonSerializer.Serialize(Answer(a))[..^1] + ",\"x\":" + new string('[', 1000) + new string(']', 1000) + "}"), HttpStatusCode.BadGateway),

        // Odd values: shown, with the odd field left blank.
        ["unknown zone, offset not whole minutes"] = (a, _) => new(Json(Answer(a, ("timezone", "Mars/Olympus_Mons"), ("offset", 1234))), HttpStatusCode.OK, "timeZone"),
        ["offset of 15 hours"] = (a, _) => new(Json(Answer(a, ("offset", 15 * 3600))), HttpStatusCode.OK, "utcOffsetSeconds"),
        ["offset beyond -14 hours"] = (a, _) => new(Json(Answer(a, ("offset", -50401))), HttpStatusCode.OK, "utcOffsetSeconds"),
        ["latitude beyond the pole"] = (a, _) => new(Json(Answer(a, ("lat", 123.4))), HttpStatusCode.OK, "latitude"),
        ["longitude of 1e308"] = (a, _) => new(Json(Answer(a, ("lon", 1e308))), HttpStatusCode.OK, "longitude"),
        ["city with a terminal escape"] = (a, _) => new(Json(Answer(a, ("city", "Ash\u001b[2Jburn"))), HttpStatusCode.OK, "city"),
        ["city 10 KB long"] = (a, _) => new(Json(Answer(a, ("city", new string('x', 10_000)))), HttpStatusCode.OK, "city"),
        ["country code that is markup"] = (a, _) => new(Json(Answer(a, ("countryCode", "<b>"))), HttpStatusCode.OK, "countryCode"),
        ["charset latin1 declared"] = (a, _) => new(Json(Answer(a), "application/json; charset=iso-8859-1"), HttpStatusCode.OK),
        ["charset utf-16 declared, utf-8 sent"] = (a, _) => new(Json(Answer(a), "application/json; charset=utf-16"), HttpStatusCode.OK),
        ["unknown charset"] = (a, _) => new(Json(Answer(a), "application/json; charset=klingon"), HttpStatusCode.OK),
        ["JSON sent as text/html"] = (a, _) => new(Json(Answer(a), "text/html"), HttpStatusCode.OK),
    };

    public static TheoryData<string> Misbehaviours => [.. Rows.Keys];

    [Fact]
    public void TheTableCoversAtLeastFortyMisbehaviours() => Assert.True(Rows.Count >= 40, $"{Rows.Count} rows");

    [Theory]
    [MemberData(nameof(Misbehaviours))]
    public async Task VisitorGetsABoundedAnswerAndTheUpstreamIsAskedOnce(string misbehaviour)
    {
        var address = AddressFor(misbehaviour);
        var row = Rows[misbehaviour](address, site.Upstream.Url.Replace("127.0.0.1", "localhost", StringComparison.Ordinal));
        site.Upstream.On(address, row.Behaviour);

        // A row whose upstream stalls is cut by the site's timeouts: its clock moves once the upstream has the
        // request, and never past the total timeout, so an answer that needed more would never come. The other rows
        // move no clock.
        var stalls = row.Status == HttpStatusCode.GatewayTimeout;
        var clock = Stopwatch.StartNew();
        var apiAnswer = site.Client.GetAsync("/api/ip-info/" + address);
        using var api = stalls
            ? await site.App.MovingTimeUntilAsync(apiAnswer, () => site.Upstream.RequestsFor(address) > 0, upTo: HostileUpstreamSite.TotalTimeout)
            : await apiAnswer;
        var apiTime = clock.Elapsed;
        var json = await api.Content.ReadAsStringAsync();
        clock.Restart();
        // The page shows the failure the API met; should it ask the upstream again, its clock moves too, and the
        // count of calls below says so.
        var pageAnswer = site.Client.GetAsync("/?ip=" + address);
        using var page = stalls
            ? await site.App.MovingTimeUntilAsync(pageAnswer, () => site.Upstream.RequestsFor(address) > row.Calls, upTo: HostileUpstreamSite.TotalTimeout)
            : await pageAnswer;
        var pageTime = clock.Elapsed;

        Assert.Equal(row.Status, api.StatusCode);
        Assert.True(apiTime < HostileUpstreamSite.Bound, $"the API answered in {apiTime.TotalSeconds:0.0} s");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.True(pageTime < HostileUpstreamSite.Bound, $"the page answered in {pageTime.TotalSeconds:0.0} s");
        Assert.Equal(row.Calls, site.Upstream.RequestsFor(address));
        Assert.Equal(0, site.Upstream.RequestsTo("/elsewhere"));
        var card = await Html.ParseAsync(page);
        if (row.Status == HttpStatusCode.OK)
        {
            Assert.Equal(address, card.CardAddress());
            var info = JsonDocument.Parse(json).RootElement;
            Assert.Equal(address, info.GetProperty("address").GetString());
            if (row.Blank is { } blank)
            {
                Assert.True(!info.TryGetProperty(blank, out var value) || value.ValueKind == JsonValueKind.Null, $"{blank} is {json}");
            }
        }
        else
        {
            // An error card, never someone else's data.
            Assert.DoesNotContain("Ashburn", card.Card().TextContent, StringComparison.Ordinal);
            Assert.DoesNotContain("1.2.3.4", card.Card().TextContent, StringComparison.Ordinal);
        }
    }

    /// <summary>A public address of the row's own, so no row sees another's cache entry.</summary>
    private static string AddressFor(string misbehaviour)
    {
        var index = Rows.Keys.ToList().IndexOf(misbehaviour);
        return $"45.33.{index / 200}.{index % 200 + 10}";
    }

    private static Dictionary<string, object?> Answer(string address, params (string Field, object? Value)[] changes)
    {
        var answer = new Dictionary<string, object?>
        {
            ["status"] = "success",
            ["country"] = "United States",
            ["countryCode"] = "US",
            ["region"] = "VA",
            ["regionName"] = "Virginia",
            ["city"] = "Ashburn",
            ["zip"] = "20149",
            ["lat"] = 39.03,
            ["lon"] = -77.5,
            ["timezone"] = "America/New_York",
            ["offset"] = -18000,
            ["isp"] = "Example ISP",
            ["org"] = "Example Org",
            ["as"] = "AS64500 Example",
            ["asname"] = "EXAMPLE",
            ["reverse"] = "",
            ["mobile"] = false,
            ["proxy"] = false,
            ["hosting"] = false,
            ["query"] = address,
        };
        foreach (var (field, value) in changes)
        {
            answer[field] = value;
        }

        return answer;
    }

    private static byte[] Utf8(object body) => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(body));

    private static byte[] Full(object body)
    {
        var json = Utf8(body);
        return [.. Head(200, json.Length, ("Content-Type", "application/json")), .. json];
    }
}
