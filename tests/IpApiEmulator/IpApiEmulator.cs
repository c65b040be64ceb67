using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using WireMock;
using WireMock.Logging;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;
using WireMock.Types;
using WireMock.Util;

namespace RazorIpInfo.Tests.Infrastructure;

/// <summary>
/// A real HTTP listener on loopback that answers like ip-api.com's /json endpoint. No test ever
/// reaches the public service; every upstream request a test causes is in <see cref="Requests"/>.
/// The same class runs as a program for the benchmark and the end-to-end script (Program.cs).
/// </summary>
public sealed class IpApiEmulator : IDisposable
{
    /// <summary>What ip-api.com answers for the caller itself (an empty query): the server's public address.</summary>
    public const string ServerAddress = "81.2.69.160";

    private IpApiEmulator(WireMockServer server) => Server = server;

    public WireMockServer Server { get; }

    public string Url => Server.Url!;

    public IReadOnlyList<ILogEntry> Requests => Server.Received();

    /// <summary>An emulator that knows Google's public DNS addresses and the server's own address.</summary>
    public static IpApiEmulator Start()
    {
        var emulator = new IpApiEmulator(WireMockServer.Start());
        emulator.Answer("8.8.8.8", Samples.GoogleDnsV4);
        emulator.Answer("2001:4860:4860::8888", Samples.GoogleDnsV6);
        emulator.Answer(null, Samples.ServerLondon);
        emulator.AnswerBatches();
        return emulator;
    }

    /// <summary>
    /// The program's emulator: every address answered alike after <paramref name="latency"/>, with ip-api.com's
    /// budget headers (never spent), and no request log (it would grow with every lookup of a load test).
    /// </summary>
    public static IpApiEmulator StartStandalone(int port, TimeSpan latency)
    {
        var settings = new WireMockServerSettings { MaxRequestLogCount = 0 };
        if (port != 0)
        {
            settings.Urls = [$"http://127.0.0.1:{port}"];
        }

        var emulator = new IpApiEmulator(WireMockServer.Start(settings));
        // A budget no load test spends, as with a pro key: a constant X-Rl of 44 told the site, rightly, that
        // its 45 calls a minute were gone, and bench/run.sh's 10,000 misses became 45 calls and 429s.
        emulator.AnswerEveryAddress(latency, budgetLeft: 999_999);
        emulator.AnswerBatches();
        // bench/bulk.sh counts batch requests here: the standalone emulator keeps no request log.
        emulator.Server.Given(Request.Create().WithPath("/__batches").UsingGet())
            .RespondWith(Response.Create().WithCallback(_ => Message(200, emulator.BatchesAnswered.ToString(CultureInfo.InvariantCulture), "text/plain")));
        return emulator;
    }

    private long lookups;

    /// <summary>How many lookups <see cref="AnswerEveryAddress"/> has answered (also at <c>GET /__count</c>).</summary>
    public long Lookups => Interlocked.Read(ref lookups);

    /// <summary>
    /// Answers any address not answered otherwise with <see cref="Samples.Anywhere"/> for that address, and
    /// <c>GET /__count</c> with <see cref="Lookups"/>. Every answer says <paramref name="budgetLeft"/> requests
    /// are left in the window (<c>X-Rl</c>).
    /// </summary>
    public void AnswerEveryAddress(TimeSpan latency, int budgetLeft = 44)
    {
        Server.Given(Request.Create().WithPath("/__count").UsingGet())
            .RespondWith(Response.Create().WithCallback(_ => Message(200, Lookups.ToString(System.Globalization.CultureInfo.InvariantCulture), "text/plain")));

        Server.Given(Request.Create().WithPath(new WildcardMatcher("/json/*")).UsingGet())
            .AtPriority(int.MaxValue)
            .RespondWith((latency > TimeSpan.Zero ? Response.Create().WithDelay(latency) : Response.Create()).WithCallback(request =>
            {
                Interlocked.Increment(ref lookups);
                var address = request.Path["/json/".Length..];
                var message = Message(200, JsonSerializer.Serialize(Samples.Anywhere(address.Length == 0 ? ServerAddress : address)), "application/json; charset=utf-8");
                // ip-api.com's budget headers: requests left in the window, seconds until it resets.
                message.Headers!["X-Rl"] = new(budgetLeft.ToString(System.Globalization.CultureInfo.InvariantCulture));
                message.Headers["X-Ttl"] = new("60");
                return message;
            }));
    }

    private static ResponseMessage Message(int status, string body, string contentType) => new()
    {
        StatusCode = status,
        Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new(contentType) },
        BodyData = new BodyData { BodyAsString = body, DetectedBodyType = BodyType.String },
    };

    /// <summary>
    /// A loopback URL nothing listens on: connections to it are refused, for as long as the test process runs. Its
    /// port is held by a socket that is bound and never listens, so no other listener can take it. A port that was
    /// only found free and let go was once taken by another test's emulator in the same run, and the "closed"
    /// upstream answered.
    /// </summary>
    public static string ClosedPortUrl() => $"http://127.0.0.1:{((IPEndPoint)ClosedPort.LocalEndPoint!).Port}";

    private static readonly Socket ClosedPort = BindWithoutListening();

    private static Socket BindWithoutListening()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        // Without SO_REUSEADDR on this side, no other socket may share the port, whatever it sets.
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, false);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    /// <summary>Answers lookups of <paramref name="address"/> (null: the caller's own) with a JSON body.</summary>
    public void Answer(string? address, object body)
    {
        Respond(address, Response.Create().WithStatusCode(200).WithBodyAsJson(body));
        if (address is not null)
        {
            answers[address] = body;
        }
    }

    public void Respond(string? address, IResponseBuilder response) =>
        Server.Given(Request.Create().WithPath(PathFor(address)).UsingGet()).RespondWith(response);

    public static string PathFor(string? address) => "/json/" + address;

    public int RequestsFor(string? address) =>
        Server.Received().Count(entry => entry.RequestMessage!.Path == PathFor(address));

    public void Dispose() => Server.Stop();

    // ip-api.com's POST /batch: a JSON array of {"query", "fields", "lang"} objects or plain strings, at most
    // 100, answered with an array in the same order. Addresses given to Answer() get that answer, private and
    // reserved ones ip-api.com's "fail", any other address a made-up record whose country is named in "lang".

    private readonly ConcurrentDictionary<string, object> answers = new(StringComparer.Ordinal);
    private readonly Lock batchGate = new();
    private int batchLimit = int.MaxValue;
    private TimeSpan batchWindow = TimeSpan.FromMinutes(1);
    private DateTimeOffset batchWindowEnd = DateTimeOffset.MinValue;
    private int batchesInWindow;
    private bool batchSaidZero;

    /// <summary>Batch requests that reached the emulator (answered or refused), and the addresses they held.</summary>
    public int BatchRequests => BatchRequestsAfter(0);

    public IReadOnlyList<string> BatchedAddresses => BatchedAddressesAfter(0);

    /// <summary>
    /// <see cref="BatchRequests"/> after the first <paramref name="seen"/> entries of <see cref="Requests"/>: on an
    /// emulator a test class shares, what one test sent, given the count when it began.
    /// </summary>
    public int BatchRequestsAfter(int seen) => Batches(seen).Count();

    /// <summary><see cref="BatchedAddresses"/> after the first <paramref name="seen"/> entries of <see cref="Requests"/>.</summary>
    public IReadOnlyList<string> BatchedAddressesAfter(int seen) =>
        [.. Batches(seen).SelectMany(entry => BatchQueries(entry.RequestMessage!.Body).Select(q => q.Query))];

    private IEnumerable<ILogEntry> Batches(int seen) =>
        Server.Received().Skip(seen).Where(entry => entry.RequestMessage!.Path == "/batch");

    /// <summary>Batch requests sent after the emulator had said X-Rl: 0 in the window: ip-api.com bans for those.</summary>
    public int BatchViolations { get; private set; }

    /// <summary>Enforces ip-api.com's batch budget (15 a minute on the free tier) with X-Rl/X-Ttl and 429s.</summary>
    public void LimitBatches(int limit, TimeSpan window)
    {
        lock (batchGate)
        {
            batchLimit = limit;
            batchWindow = window;
            batchWindowEnd = DateTimeOffset.MinValue;
        }
    }

    private void AnswerBatches() =>
        Server.Given(Request.Create().WithPath("/batch").UsingPost()).RespondWith(Response.Create().WithCallback(AnswerBatch));

    private long batchesAnswered;

    /// <summary>Batch requests answered, counted without the request log (which the standalone emulator turns off).</summary>
    public long BatchesAnswered => Interlocked.Read(ref batchesAnswered);

    private ResponseMessage AnswerBatch(IRequestMessage request)
    {
        Interlocked.Increment(ref batchesAnswered);
        int left, used;
        double ttl;
        lock (batchGate)
        {
            var now = DateTimeOffset.UtcNow;
            if (now >= batchWindowEnd)
            {
                batchWindowEnd = now + batchWindow;
                batchesInWindow = 0;
                batchSaidZero = false;
            }

            BatchViolations += batchSaidZero ? 1 : 0;
            used = ++batchesInWindow;
            left = Math.Max(0, batchLimit == int.MaxValue ? 14 : batchLimit - used);
            batchSaidZero |= batchLimit != int.MaxValue && left == 0;
            ttl = Math.Ceiling((batchWindowEnd - now).TotalSeconds);
        }

        var headers = new Dictionary<string, WireMockList<string>>
        {
            ["Content-Type"] = new("application/json; charset=utf-8"),
            ["X-Rl"] = new(left.ToString(CultureInfo.InvariantCulture)),
            ["X-Ttl"] = new(ttl.ToString(CultureInfo.InvariantCulture)),
        };
        if (used > batchLimit)
        {
            return new ResponseMessage { StatusCode = 429, Headers = headers };
        }

        List<BatchQuery> queries;
        try
        {
            queries = BatchQueries(request.Body);
        }
        catch (JsonException)
        {
            return new ResponseMessage { StatusCode = 400, Headers = headers };
        }

        if (queries.Count > 100)
        {
            // ip-api.com refuses a batch of more than 100 outright.
            return new ResponseMessage { StatusCode = 422, Headers = headers };
        }

        var body = JsonSerializer.Serialize(queries.Select(q => BatchAnswer(q.Query, q.Lang)).ToList());
        return new ResponseMessage
        {
            StatusCode = 200,
            Headers = headers,
            BodyData = new BodyData { BodyAsString = body, DetectedBodyType = BodyType.String },
        };
    }

    private object BatchAnswer(string query, string? lang)
    {
        if (answers.TryGetValue(query, out var known))
        {
            return known;
        }

        if (!IPAddress.TryParse(query, out var address))
        {
            return Samples.Fail("invalid query", query);
        }

        // As ip-api.com does for the ranges a caller most often sends by mistake; the site sends none of them.
        if (IPAddress.IsLoopback(address) || PrivateRanges.Any(range => range.Contains(address)))
        {
            return Samples.Fail("private range", query);
        }

        return Samples.Made(query, lang);
    }

    private static readonly System.Net.IPNetwork[] PrivateRanges =
    [
        System.Net.IPNetwork.Parse("10.0.0.0/8"), System.Net.IPNetwork.Parse("172.16.0.0/12"),
        System.Net.IPNetwork.Parse("192.168.0.0/16"), System.Net.IPNetwork.Parse("fc00::/7"),
    ];

    private sealed record BatchQuery(string Query, string? Lang);

    private static List<BatchQuery> BatchQueries(string? body) =>
        [.. (JsonNode.Parse(body ?? "[]") as JsonArray ?? throw new JsonException("Not an array.")).Select(item => item switch
        {
            JsonValue value => new BatchQuery(value.GetValue<string>(), null),
            JsonObject obj => new BatchQuery(obj["query"]?.GetValue<string>() ?? "", obj["lang"]?.GetValue<string>()),
            _ => throw new JsonException("Not a query."),
        })];

    public static class Samples
    {
        public static readonly object GoogleDnsV4 = new
        {
            status = "success",
            country = "United States",
            countryCode = "US",
            region = "VA",
            regionName = "Virginia",
            city = "Ashburn",
            zip = "20149",
            lat = 39.03,
            lon = -77.5,
            timezone = "America/New_York",
            offset = -18000,
            isp = "Google LLC",
            org = "Google Public DNS",
            @as = "AS15169 Google LLC",
            asname = "GOOGLE",
            reverse = "dns.google",
            mobile = false,
            proxy = false,
            hosting = true,
            query = "8.8.8.8",
        };

        public static readonly object GoogleDnsV6 = new
        {
            status = "success",
            country = "United States",
            countryCode = "US",
            region = "CA",
            regionName = "California",
            city = "Mountain View",
            zip = "94043",
            lat = 37.422,
            lon = -122.085,
            timezone = "America/Los_Angeles",
            offset = -28800,
            isp = "Google LLC",
            org = "Google LLC",
            @as = "AS15169 Google LLC",
            asname = "GOOGLE",
            reverse = "dns.google",
            mobile = false,
            proxy = false,
            hosting = true,
            query = "2001:4860:4860::8888",
        };

        public static readonly object ServerLondon = new
        {
            status = "success",
            country = "United Kingdom",
            countryCode = "GB",
            region = "ENG",
            regionName = "England",
            city = "London",
            zip = "EC2V",
            lat = 51.5142,
            lon = -0.0931,
            timezone = "Europe/London",
            offset = 0,
            isp = "Andrews & Arnold Ltd",
            org = "Andrews & Arnold Ltd",
            @as = "AS20712 Andrews & Arnold Ltd",
            asname = "AANET",
            reverse = "",
            mobile = false,
            proxy = false,
            hosting = false,
            query = ServerAddress,
        };

        /// <summary>What the program's emulator answers for any address.</summary>
        public static object Anywhere(string query) => new
        {
            status = "success",
            country = "United States",
            countryCode = "US",
            region = "VA",
            regionName = "Virginia",
            city = "Ashburn",
            zip = "20149",
            lat = 39.03,
            lon = -77.5,
            timezone = "America/New_York",
            offset = -18000,
            isp = "Example ISP",
            org = "Example Org",
            @as = "AS64496 Example",
            asname = "EXAMPLE",
            reverse = "",
            mobile = false,
            proxy = false,
            hosting = false,
            query,
        };

        public static object Fail(string message, string query) => new { status = "fail", message, query };

        /// <summary>The made-up record for an address the emulator was not told about: one of three countries, named in <paramref name="lang"/>.</summary>
        public static object Made(string query, string? lang)
        {
            var (code, names, asn, lat, lon) = (query.Sum(c => c) % 3) switch
            {
                0 => ("US", UnitedStates, "AS64496 Example Hosting", 39.03, -77.5),
                1 => ("DE", Germany, "AS64497 Beispiel Netz", 50.11, 8.68),
                _ => ("JP", Japan, "AS64498 Rei Mobile", 35.68, 139.69),
            };
            return new
            {
                status = "success",
                country = names.GetValueOrDefault(lang ?? "en", names["en"]),
                countryCode = code,
                regionName = "Region " + code,
                city = "City " + code,
                lat,
                lon,
                @as = asn,
                org = asn[8..],
                isp = asn[8..],
                mobile = code == "JP",
                proxy = false,
                hosting = code == "US",
                query,
            };
        }

        private static readonly Dictionary<string, string> UnitedStates = new()
        {
            ["en"] = "United States", ["de"] = "Vereinigte Staaten", ["es"] = "Estados Unidos", ["fr"] = "États-Unis",
            ["ja"] = "アメリカ", ["pt-BR"] = "Estados Unidos", ["ru"] = "США", ["zh-CN"] = "美国",
        };

        private static readonly Dictionary<string, string> Germany = new()
        {
            ["en"] = "Germany", ["de"] = "Deutschland", ["es"] = "Alemania", ["fr"] = "Allemagne",
            ["ja"] = "ドイツ", ["pt-BR"] = "Alemanha", ["ru"] = "Германия", ["zh-CN"] = "德国",
        };

        private static readonly Dictionary<string, string> Japan = new()
        {
            ["en"] = "Japan", ["de"] = "Japan", ["es"] = "Japón", ["fr"] = "Japon",
            ["ja"] = "日本", ["pt-BR"] = "Japão", ["ru"] = "Япония", ["zh-CN"] = "日本",
        };
    }
}
