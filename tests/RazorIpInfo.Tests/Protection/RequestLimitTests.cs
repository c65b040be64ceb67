using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RazorIpInfo.Pages.Bulk;
using RazorIpInfo.Protection;
using RazorIpInfo.Tests.Api;
using RazorIpInfo.Tests.Infrastructure;
using RazorIpInfo.Tests.Lookup.GeoDb;
using RazorIpInfo.Tests.Pages;

namespace RazorIpInfo.Tests.Protection;

/// <summary>
/// Issue 33's second red team: slow bodies, requests no limit counted, downloads charged twice, nginx refusing
/// the documented upload, log privacy that depended on the working directory, HEAD refused; and issue 29's
/// bulk list refused by default. One row per defect.
/// </summary>
/// <remarks>
/// Tests of one configuration share its site: the default one (<see cref="SharedInMemorySite"/>), the shipped
/// limits (<see cref="DefaultLimitsSite"/>, each test a client and addresses of its own, counting batch calls from
/// where the log stood) and the short bulk deadline (<see cref="BulkDeadlineSite"/>). A test whose limit is its
/// alone, or that spends the upstream's batch budget, has its own.
/// </remarks>
public sealed class RequestLimitTests(SharedInMemorySite defaults, RequestLimitTests.DefaultLimitsSite shippedLimits, RequestLimitTests.BulkDeadlineSite bulkDeadline)
    : EmulatedUpstreamTests, IClassFixture<SharedInMemorySite>, IClassFixture<RequestLimitTests.DefaultLimitsSite>, IClassFixture<RequestLimitTests.BulkDeadlineSite>
{
    /// <summary>The site with the shipped per-client limits, on the in-memory server.</summary>
    public sealed class DefaultLimitsSite : SharedSite
    {
        protected override bool OnKestrel => false;

        protected override void Configure(RazorIpInfoFactory app) => app.WithDefaultLimits();
    }

    /// <summary>The site on Kestrel whose bulk requests must be read within a second.</summary>
    public sealed class BulkDeadlineSite : SharedSite
    {
        protected override void Configure(RazorIpInfoFactory app) => app.Settings["RequestLimits:BulkRequestTimeout"] = "00:00:01";
    }

    /// <summary>
    /// What the hostile client sends (almost all of a 1 MB body at once, then a byte at a time), and how it is cut
    /// off. The API answers 408. A form's read, cancelled, aborts the connection (ASP.NET Core's FormFeature does
    /// that, since its readers take no token), so the page's client sees the connection end without an answer:
    /// reset, or closed when its read meets the end of the stream first (twice in the day's suite runs).
    /// </summary>
    public static TheoryData<string, string, string, string> SlowBodies => new()
    {
        { "/bulk", "application/x-www-form-urlencoded", "text=", @"^\((reset|closed) without an answer\)$" },
        { "/api/ip-info/batch", "application/json", "[\"8.8.8.8\"", "^HTTP/1.1 408 " },
    };

    [Theory]
    [MemberData(nameof(SlowBodies))]
    public async Task ABodyThatDripsAfterAFastStartIsCutOffAtTheDeadline(string path, string contentType, string start, string cutOff)
    {
        // Kestrel's minimum rate is an average over the whole body: 900 KB at once keeps a drip above it for an hour.
        var site = bulkDeadline.Client.BaseAddress!;
        var body = Encoding.ASCII.GetBytes(start + new string(' ', 900 * 1024 - start.Length));

        var answer = await RawPostAsync(site, path, contentType, declaredLength: 1024 * 1024, body, dripEvery: TimeSpan.FromMilliseconds(250));

        // The drip would take hours to finish the body, and Kestrel's own rate check an hour to notice it: an
        // answer within half a minute is the 1 s deadline at work, with room for a machine whose cores are busy.
        Assert.True(answer.Elapsed < TimeSpan.FromSeconds(30), $"answered after {answer.Elapsed}");
        Assert.Matches(cutOff, answer.StatusLine);
    }

    [Fact]
    public async Task AClientOverItsRequestAllowanceIsRefusedBeforeItSendsItsBatchBody()
    {
        await using var app = Site(("RateLimits:OwnCardPerMinute", "1"));
        var site = app.StartOnFreePort();
        using (var browser = new HttpClient { BaseAddress = site })
        {
            (await browser.GetAsync("/bulk")).Dispose(); // the one request this minute
        }

        var answer = await RawPostAsync(site, "/api/ip-info/batch", "application/json", declaredLength: 1024 * 1024, [], dripEvery: null);

        Assert.StartsWith("HTTP/1.1 429", answer.StatusLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AClientAtItsCapOfRequestsInProgressIsRefusedAtOnceWhileTheOthersHang()
    {
        await using var app = Site(("RateLimits:ConcurrentRequestsPerClient", "2"));
        var site = app.StartOnFreePort();
        using var first = await OpenUploadAsync(site);
        using var second = await OpenUploadAsync(site);

        var third = await RawPostAsync(site, "/api/ip-info/batch", "application/json", declaredLength: 1024 * 1024, [], dripEvery: null);

        Assert.StartsWith("HTTP/1.1 429", third.StatusLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BatchRequestsHoldingNoPublicAddressAreCountedLikeAnyOtherRequest()
    {
        // The amplification case: 6,282 such requests in 20 s, each answered at 12 times its size.
        await using var app = Site(("RateLimits:OwnCardPerMinute", "5"));
        var client = app.CreateClientFor("198.51.100.20");
        var list = Enumerable.Repeat("10.0.0.1", 500).ToArray();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            statuses.Add((await client.PostAsJsonAsync("/api/ip-info/batch", list)).StatusCode);
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 5), HttpStatusCode.TooManyRequests], statuses);
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("json")]
    public async Task DownloadingABulkResultWithDefaultLimitsIsNotChargedAgain(string format)
    {
        // Each row a client and addresses of its own on the shared site.
        using var client = shippedLimits.App.CreateClientFor(format == "csv" ? "198.51.100.21" : "198.51.100.25");
        var before = shippedLimits.Upstream.Requests.Count;
        var result = await Html.ParseAsync(await BulkPageTests.PostFormAsync(client, string.Join(' ', BatchApiTests.PublicAddresses(16, seed: format == "csv" ? 10 : 11))));
        var download = result.QuerySelector("form.bulk-download")!;

        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 2; i++)
        {
            responses.Add(await client.PostAsync("/bulk?handler=Download", new FormUrlEncodedContent(
            [
                new("__RequestVerificationToken", BulkPageTests.Token(download)),
                new("entries", download.QuerySelector("input[name=entries]")!.GetAttribute("value")!),
                new("format", format),
            ])));
        }

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.All(responses, r => Assert.Equal("attachment", r.Content.Headers.ContentDisposition!.DispositionType));
        Assert.Equal(1, shippedLimits.Upstream.BatchRequestsAfter(before));
    }

    [Fact]
    public async Task WithDefaultLimitsAListLargerThanTheAllowanceIsAnsweredAsFarAsAProviderCanWithRetryAfter()
    {
        // Issue 29: a 39-address list got "at most 30 a minute". With ip-api.com alone, the 30 the allowance
        // covers are answered and the rest say the budget is spent; nothing is refused whole.
        var asked = BatchApiTests.PublicAddresses(39, seed: 7);
        using var client = shippedLimits.App.CreateClientFor("198.51.100.22");

        var response = await client.PostAsJsonAsync("/api/ip-info/batch", asked);
        var items = (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().ToList();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(30, items.Count(i => i.TryGetProperty("provider", out _)));
        Assert.Equal(9, items.Count(i => i.TryGetProperty("status", out var s) && s.GetInt32() == 503));
        Assert.InRange(response.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
    }

    [GeoDbFact]
    public async Task WithDefaultLimitsAThousandAddressesAreAllAnsweredTheAllowanceByTheUpstreamTheRestOffline()
    {
        // Issue 29's "bulk that works by default", with the upstream's batch budget spent midway by another client.
        Upstream.LimitBatches(limit: 2, TimeSpan.FromMinutes(1));
        await using var app = new RazorIpInfoFactory(Upstream).WithDefaultLimits();
        app.Settings["Lookup:Providers:1"] = "mmdb";
        (await app.CreateClientFor("198.51.100.30").PostAsJsonAsync("/api/ip-info/batch", BatchApiTests.PublicAddresses(20, seed: 8))).Dispose();
        var asked = BatchApiTests.PublicAddresses(1000, seed: 9);

        var first = await app.CreateClientFor("198.51.100.23").PostAsJsonAsync("/api/ip-info/batch", asked);
        var second = await app.CreateClientFor("198.51.100.24").PostAsJsonAsync("/api/ip-info/batch", asked);
        var firstItems = (await first.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().ToList();
        var secondItems = (await second.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().ToList();

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(asked, firstItems.Select(i => i.GetProperty("address").GetString()));
        Assert.Equal(30, firstItems.Count(i => i.GetProperty("provider").GetString() == "ip-api.com"));
        Assert.Equal(970, firstItems.Count(i => i.GetProperty("provider").GetString() == "DB-IP"));
        // The batch budget is spent now: the cache answers the 30, the offline database all the others.
        Assert.Equal(asked, secondItems.Select(i => i.GetProperty("address").GetString()));
        Assert.Equal(30, secondItems.Count(i => i.GetProperty("provider").GetString() == "ip-api.com"));
        Assert.Equal(2, Upstream.BatchRequests);
        Assert.Equal(0, Upstream.BatchViolations);
    }

    [Theory]
    [InlineData("/api/as/13335")]
    [InlineData("/openapi/v1.json")]
    [InlineData("/api/ip-info/8.8.8.8")]
    [InlineData("/AS13335")]
    [InlineData("/bulk")]
    [InlineData("/country?ip=8.8.8.8")]
    public async Task HeadIsAnsweredWhereverGetIs(string url)
    {
        var client = defaults.Client;

        var get = await client.GetAsync(url);
        var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, url));

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(get.Content.Headers.ContentType, head.Content.Headers.ContentType);
    }

    [Fact]
    public async Task KestrelCapsConnectionsByDefaultAndTakesItsOwnConfigurationSection()
    {
        await using var configured = Site(("Kestrel:Limits:MaxConcurrentConnections", "7"));

        var limits = defaults.App.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits;
        var configuredLimits = configured.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits;

        Assert.Equal(new KestrelLimitOptions().MaxConcurrentConnections, limits.MaxConcurrentConnections);
        Assert.Equal(new KestrelLimitOptions().MaxConcurrentUpgradedConnections, limits.MaxConcurrentUpgradedConnections);
        Assert.Equal(7, configuredLimits.MaxConcurrentConnections);
    }

    /// <summary>The shipped nginx must let through what the site accepts, and wait longer than the site's own deadline.</summary>
    [Fact]
    public void TheShippedNginxPassesTheLargestBodyTheSiteAcceptsAndOutwaitsTheBulkDeadline()
    {
        var config = File.ReadAllText(Path.Combine(RazorIpInfoFactory.RepositoryRoot, "deploy", "nginx.conf"));
        var bodySizes = Regex.Matches(config, @"^\s*client_max_body_size\s+(\d+)([km]?);", RegexOptions.Multiline)
            .Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * (m.Groups[2].Value switch { "k" => 1024, "m" => 1024 * 1024, _ => 1 }))
            .ToList();
        var readTimeouts = Regex.Matches(config, @"^\s*proxy_read_timeout\s+(\d+)s;", RegexOptions.Multiline)
            .Select(m => TimeSpan.FromSeconds(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)))
            .ToList();
        var servers = Regex.Count(config, @"^\s*server\s*\{", RegexOptions.Multiline);

        // One http-level size covers every server block; each location that proxies sets its read timeout.
        Assert.Equal(BulkModel.MaxRequestBytes, Assert.Single(bodySizes));
        Assert.Equal(servers, readTimeouts.Count);
        Assert.All(readTimeouts, timeout => Assert.True(timeout > new RequestLimitOptions().BulkRequestTimeout, $"proxy_read_timeout {timeout}"));
    }

    /// <summary>
    /// Run as docs/deploy.md says, from the checkout: <c>dotnet out/RazorIpInfo.dll</c>. Here the site's own build
    /// output is started from an empty working directory, and asked about an address; its stdout must not name it.
    /// </summary>
    [Fact]
    public async Task StartedFromAnotherDirectoryTheSiteStillReadsItsSettingsAndLogsNoLookedUpAddress()
    {
        var working = Directory.CreateTempSubdirectory("razoripinfo-cwd-");
        var appFolder = Path.GetDirectoryName(typeof(Program).Assembly.Location)!;
        var start = new ProcessStartInfo("dotnet", [Path.Combine(appFolder, "RazorIpInfo.dll")])
        {
            WorkingDirectory = working.FullName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["IpApi__BaseUrl"] = Upstream.Url,
                ["GeoDb__Directory"] = working.FullName,
                ["Networks__Directory"] = working.FullName,
                ["Tor__ExitListUrl"] = "",
            },
        };
        var output = new StringBuilder();
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var site = new Process { StartInfo = start };
        site.OutputDataReceived += (_, line) => Collect(line.Data);
        site.ErrorDataReceived += (_, line) => Collect(line.Data);
        try
        {
            site.Start();
            site.BeginOutputReadLine();
            site.BeginErrorReadLine();
            var address = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
            using var client = new HttpClient { BaseAddress = address };
            foreach (var url in new[] { "/?ip=8.8.8.8", "/api/ip-info/8.8.8.8", "/country?ip=8.8.8.8" })
            {
                Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(url)).StatusCode);
            }
        }
        finally
        {
            site.Kill(entireProcessTree: true);
            await site.WaitForExitAsync();
            working.Delete(recursive: true);
        }

        string text;
        lock (output)
        {
            text = output.ToString();
        }

        Assert.Contains("Now listening on", text, StringComparison.Ordinal); // the output was read: there is something to search
        Assert.DoesNotContain("8.8.8.8", text, StringComparison.Ordinal);

        void Collect(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(line);
            }

            if (Regex.Match(line, @"Now listening on: (http://127\.0\.0\.1:\d+)") is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups[1].Value));
            }
        }
    }

    private RazorIpInfoFactory Site(params (string Key, string Value)[] settings)
    {
        var app = new RazorIpInfoFactory(Upstream);
        foreach (var (key, value) in settings)
        {
            app.Settings[key] = value;
        }

        return app;
    }

    /// <summary>An upload that sends its headers and no body, and keeps its connection open.</summary>
    /// <summary>
    /// An upload whose body never comes, returned once the endpoint is waiting for it: with "Expect: 100-continue"
    /// Kestrel says "100 Continue" when the endpoint starts reading the body, so past the limits (no sleep to guess when).
    /// </summary>
    private static async Task<TcpClient> OpenUploadAsync(Uri site)
    {
        var socket = new TcpClient();
        await socket.ConnectAsync(site.Host, site.Port);
        var head = Encoding.ASCII.GetString(Head(site, "/api/ip-info/batch", "application/json", 1024 * 1024));
        await socket.GetStream().WriteAsync(Encoding.ASCII.GetBytes(head.Replace("\r\n\r\n", "\r\nExpect: 100-continue\r\n\r\n", StringComparison.Ordinal)));
        var buffer = new byte[64];
        var read = await socket.GetStream().ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.StartsWith("HTTP/1.1 100", Encoding.ASCII.GetString(buffer, 0, read), StringComparison.Ordinal);
        return socket;
    }

    private static byte[] Head(Uri site, string path, string contentType, int declaredLength) => Encoding.ASCII.GetBytes(
        $"POST {path} HTTP/1.1\r\nHost: {site.Authority}\r\nContent-Type: {contentType}\r\nContent-Length: {declaredLength}\r\n\r\n");

    private sealed record RawAnswer(string StatusLine, TimeSpan Elapsed);

    /// <summary>
    /// A POST over a raw socket (HttpClient would not send a body this slowly): the headers, <paramref name="body"/>,
    /// then one byte per <paramref name="dripEvery"/> until the site answers. Gives up after 30 s.
    /// </summary>
    private static async Task<RawAnswer> RawPostAsync(Uri site, string path, string contentType, int declaredLength, byte[] body, TimeSpan? dripEvery)
    {
        using var socket = new TcpClient();
        await socket.ConnectAsync(site.Host, site.Port);
        var stream = socket.GetStream();
        var clock = Stopwatch.StartNew();
        await stream.WriteAsync(Head(site, path, contentType, declaredLength));
        await stream.WriteAsync(body);
        using var giveUp = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var answered = CancellationTokenSource.CreateLinkedTokenSource(giveUp.Token);
        var dripping = dripEvery is { } every ? DripAsync(stream, every, answered.Token) : Task.CompletedTask;

        var buffer = new byte[256];
        string statusLine;
        try
        {
            var read = await stream.ReadAsync(buffer, giveUp.Token);
            statusLine = read == 0 ? "(closed without an answer)" : Encoding.ASCII.GetString(buffer, 0, read).Split("\r\n")[0];
        }
        catch (OperationCanceledException)
        {
            statusLine = "(no answer in 30 s)";
        }
        catch (IOException)
        {
            statusLine = "(reset without an answer)";
        }

        var elapsed = clock.Elapsed;
        await answered.CancelAsync();
        await dripping;
        return new RawAnswer(statusLine, elapsed);
    }

    private static async Task DripAsync(NetworkStream stream, TimeSpan every, CancellationToken stop)
    {
        try
        {
            while (true)
            {
                await Task.Delay(every, stop);
                await stream.WriteAsync(" "u8.ToArray(), stop);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The answer came, or the site closed the connection: the drip is over either way.
        }
    }
}

internal static class DefaultLimits
{
    /// <summary>The shipped per-client limits, not the test factory's generous ones.</summary>
    public static RazorIpInfoFactory WithDefaultLimits(this RazorIpInfoFactory app)
    {
        app.Settings.Remove("RateLimits:LookupsPerMinute");
        app.Settings.Remove("RateLimits:OwnCardPerMinute");
        return app;
    }
}
