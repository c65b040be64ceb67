using System.Globalization;
using System.Text.Json;
using WireMock;
using WireMock.Settings;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

// Usage: UpstreamEmulator <port> [latency-ms]. Answers GET /json/{address} like ip-api.com after the
// latency, and GET /__count with how many lookups it has answered, so the benchmark can compare
// upstream calls with distinct addresses requested.
var port = int.Parse(args[0], CultureInfo.InvariantCulture);
var latency = TimeSpan.FromMilliseconds(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 50);
long lookups = 0;

var server = WireMockServer.Start(new WireMockServerSettings
{
    Urls = [$"http://127.0.0.1:{port}"],
    // The request log would grow with every lookup; the counter below is all the benchmark reads.
    MaxRequestLogCount = 0,
});

server.Given(Request.Create().WithPath("/__count").UsingGet())
    .RespondWith(Response.Create().WithCallback(_ => Text(Interlocked.Read(ref lookups).ToString(CultureInfo.InvariantCulture))));

server.Given(Request.Create().WithPath(new WireMock.Matchers.WildcardMatcher("/json/*")).UsingGet())
    .RespondWith(Response.Create().WithDelay(latency).WithCallback(request =>
    {
        Interlocked.Increment(ref lookups);
        var address = request.Path["/json/".Length..];
        return Json(new
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
            isp = "Bench ISP",
            org = "Bench Org",
            @as = "AS64496 Bench",
            asname = "BENCH",
            reverse = "",
            mobile = false,
            proxy = false,
            hosting = false,
            query = address.Length == 0 ? "81.2.69.160" : address,
        });
    }));

// POST /batch like ip-api.com: a JSON array of {"query": …} objects (or strings), answered in order; GET
// /__batches counts these requests, so bench/bulk.sh can report upstream calls for a bulk lookup.
long batches = 0;
server.Given(Request.Create().WithPath("/__batches").UsingGet())
    .RespondWith(Response.Create().WithCallback(_ => Text(Interlocked.Read(ref batches).ToString(CultureInfo.InvariantCulture))));
server.Given(Request.Create().WithPath("/batch").UsingPost())
    .RespondWith(Response.Create().WithDelay(latency).WithCallback(request =>
    {
        Interlocked.Increment(ref batches);
        using var queries = JsonDocument.Parse(request.Body ?? "[]");
        return JsonArray(queries.RootElement.EnumerateArray().Select(q => (object)new
        {
            status = "success",
            country = "United States",
            countryCode = "US",
            city = "Ashburn",
            lat = 39.03,
            lon = -77.5,
            @as = "AS64496 Bench",
            org = "Bench Org",
            hosting = false,
            query = q.ValueKind == JsonValueKind.String ? q.GetString() : q.GetProperty("query").GetString(),
        }).ToList());
    }));

Console.WriteLine($"upstream emulator on {server.Url}, latency {latency.TotalMilliseconds} ms");
using var stop = new ManualResetEventSlim();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Set(); };
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Set();
stop.Wait();
server.Stop();

static ResponseMessage Json(object body) => new()
{
    StatusCode = 200,
    Headers = new Dictionary<string, WireMockList<string>>
    {
        ["Content-Type"] = new("application/json; charset=utf-8"),
        // ip-api.com's quota headers: requests left in the window, seconds until it resets.
        ["X-Rl"] = new("44"),
        ["X-Ttl"] = new("60"),
    },
    BodyData = new BodyData { BodyAsString = JsonSerializer.Serialize(body), DetectedBodyType = BodyType.String },
};

static ResponseMessage JsonArray(List<object> body) => new()
{
    StatusCode = 200,
    Headers = new Dictionary<string, WireMockList<string>>
    {
        ["Content-Type"] = new("application/json; charset=utf-8"),
        ["X-Rl"] = new("14"),
        ["X-Ttl"] = new("60"),
    },
    BodyData = new BodyData { BodyAsString = JsonSerializer.Serialize(body), DetectedBodyType = BodyType.String },
};

static ResponseMessage Text(string body) => new()
{
    StatusCode = 200,
    BodyData = new BodyData { BodyAsString = body, DetectedBodyType = BodyType.String },
};
