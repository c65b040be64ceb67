using System.Net;
using System.Net.Sockets;
using System.Text.Json;
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

    public IReadOnlyList<ILogEntry> Requests => [.. Server.LogEntries];

    /// <summary>An emulator that knows Google's public DNS addresses and the server's own address.</summary>
    public static IpApiEmulator Start()
    {
        var emulator = new IpApiEmulator(WireMockServer.Start());
        emulator.Answer("8.8.8.8", Samples.GoogleDnsV4);
        emulator.Answer("2001:4860:4860::8888", Samples.GoogleDnsV6);
        emulator.Answer(null, Samples.ServerLondon);
        return emulator;
    }

    /// <summary>
    /// The program's emulator: every address answered alike after <paramref name="latency"/>, with ip-api.com's
    /// budget headers, and no request log (it would grow with every lookup of a load test).
    /// </summary>
    public static IpApiEmulator StartStandalone(int port, TimeSpan latency)
    {
        var settings = new WireMockServerSettings { MaxRequestLogCount = 0 };
        if (port != 0)
        {
            settings.Urls = [$"http://127.0.0.1:{port}"];
        }

        var emulator = new IpApiEmulator(WireMockServer.Start(settings));
        emulator.AnswerEveryAddress(latency);
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

    /// <summary>A loopback URL nothing listens on: connections to it are refused.</summary>
    public static string ClosedPortUrl()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
    }

    /// <summary>Answers lookups of <paramref name="address"/> (null: the caller's own) with a JSON body.</summary>
    public void Answer(string? address, object body) =>
        Respond(address, Response.Create().WithStatusCode(200).WithBodyAsJson(body));

    public void Respond(string? address, IResponseBuilder response) =>
        Server.Given(Request.Create().WithPath(PathFor(address)).UsingGet()).RespondWith(response);

    public static string PathFor(string? address) => "/json/" + address;

    public int RequestsFor(string? address) =>
        Server.LogEntries.Count(entry => entry.RequestMessage!.Path == PathFor(address));

    public void Dispose() => Server.Stop();

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
    }
}
