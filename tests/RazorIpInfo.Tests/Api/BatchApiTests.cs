using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using RazorIpInfo.Tests.Infrastructure;
using RazorIpInfo.Tests.Lookup.GeoDb;

namespace RazorIpInfo.Tests.Api;

/// <summary>
/// The batch endpoint. The tests that leave the site as it is share one (<see cref="SharedSite"/>), each asking
/// about addresses of its own (<see cref="seed"/>), so that no answer is cached for another and the batches it
/// counts are its own; the ones that spend the batch budget, change the site's settings or share Redis start
/// their own site, in front of their own emulator.
/// </summary>
/// <remarks>
/// The shared site keeps the free tier's budget of 15 batch requests a minute, and its tests send 12 in all: a
/// test that sends more, or that needs the budget whole, gets a site of its own.
/// </remarks>
public sealed class BatchApiTests(SharedSite site) : IClassFixture<SharedSite>
{
    private static int seeds = 10;

    /// <summary>This test's <see cref="PublicAddresses"/> seed: addresses no other test of the class asks about.</summary>
    private readonly int seed = Interlocked.Increment(ref seeds);

    private IpApiEmulator upstream => site.Upstream;

    /// <summary>Distinct public addresses the emulator makes records up for (none of them in the offline database's private ranges).</summary>
    internal static List<string> PublicAddresses(int count, int seed = 1) =>
        [.. Enumerable.Range(0, count).Select(i => string.Create(CultureInfo.InvariantCulture, $"{20 + seed}.{i / 250}.{i % 250}.{1 + seed}"))];

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, IEnumerable<string> addresses) =>
        client.PostAsJsonAsync("/api/ip-info/batch", addresses);

    private static async Task<JsonElement[]> ItemsAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray()];
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(100, 1)]
    [InlineData(101, 2)]
    [InlineData(250, 3)]
    public async Task UncachedAddressesAreAskedUpstreamAHundredAtATime(int addresses, int batchCalls)
    {
        var asked = PublicAddresses(addresses, seed);
        var before = upstream.Requests.Count;

        var items = await ItemsAsync(await PostAsync(site.Client, asked));

        Assert.Equal(batchCalls, upstream.BatchRequestsAfter(before));
        Assert.Equal(asked, items.Select(i => i.GetProperty("address").GetString()));
        Assert.All(items, i => Assert.Equal("ip-api.com", i.GetProperty("provider").GetString()));
        Assert.Equal(asked.Order(), upstream.BatchedAddressesAfter(before).Order());
        Assert.Equal(0, upstream.Requests.Skip(before).Count(r => r.RequestMessage!.Path.StartsWith("/json/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task OnlyWhatTheCacheDoesNotHoldIsAskedAndBatchAnswersServeSingleLookups()
    {
        var addresses = PublicAddresses(36, seed);
        // Looked up alone first, so the emulator must answer it alone too: with a record from Ashburn, as for 8.8.8.8.
        var known = addresses[0];
        upstream.Answer(known, IpApiEmulator.Samples.Anywhere(known));
        var first = addresses[1..31];
        var more = addresses[31..];
        var client = site.Client;
        var before = upstream.Requests.Count;
        await client.GetAsync("/api/ip-info/" + known);

        await ItemsAsync(await PostAsync(client, [known, .. first]));
        var again = await ItemsAsync(await PostAsync(client, [.. first, known, .. more]));
        var single = await client.GetAsync("/api/ip-info/" + first[7]);

        Assert.Equal(2, upstream.BatchRequestsAfter(before));
        Assert.Equal([.. first, .. more], upstream.BatchedAddressesAfter(before));
        Assert.Equal("Ashburn", again[30].GetProperty("city").GetString());
        Assert.Equal(HttpStatusCode.OK, single.StatusCode);
        Assert.Equal(1, upstream.RequestsFor(known));
        Assert.Equal(0, upstream.RequestsFor(first[7]));
    }

    [Fact]
    public async Task ResultsKeepTheOrderGivenAndDuplicatesAreAskedOnce()
    {
        // Google's addresses are this test's alone in the class: had another looked them up, the cache would answer.
        var before = upstream.Requests.Count;

        var items = await ItemsAsync(await PostAsync(site.Client,
            ["8.8.8.8", "2001:4860:4860::8888", "::ffff:8.8.8.8", "8.8.8.8", "not an address", "192.168.1.1", "192.0.2.1"]));

        Assert.Equal(["8.8.8.8", "2001:4860:4860::8888", "8.8.8.8", "8.8.8.8"], items[..4].Select(i => i.GetProperty("address").GetString()));
        Assert.Equal((400, "not an address"), (items[4].GetProperty("status").GetInt32(), items[4].GetProperty("query").GetString()));
        Assert.Equal("Private address", items[5].GetProperty("title").GetString());
        Assert.Equal("Reserved address", items[6].GetProperty("title").GetString());
        Assert.Equal(["8.8.8.8", "2001:4860:4860::8888"], upstream.BatchedAddressesAfter(before));
    }

    [Fact]
    public async Task CountryNamesComeInTheCallersLanguageAndEachLanguageHasItsOwnEntries()
    {
        var client = site.Client;
        var address = PublicAddresses(3, seed).First(a => a.Sum(c => c) % 3 == 1);
        var before = upstream.Requests.Count;

        using var german = new HttpRequestMessage(HttpMethod.Post, "/api/ip-info/batch") { Content = JsonContent.Create(new[] { address }) };
        german.Headers.AcceptLanguage.ParseAdd("de-DE");
        var de = await ItemsAsync(await client.SendAsync(german));
        var en = await ItemsAsync(await PostAsync(client, [address]));

        Assert.Equal("Deutschland", de[0].GetProperty("country").GetString());
        Assert.Equal("Germany", en[0].GetProperty("country").GetString());
        Assert.Equal(2, upstream.BatchRequestsAfter(before));
    }

    [GeoDbFact]
    public async Task WhenTheUpstreamSaysTheBatchBudgetIsSpentTheOfflineDatabaseAnswersTheRestWithoutOverQuotaCalls()
    {
        // Its own site and emulator: it spends the batch budget, and the offline database is a setting.
        using var ownUpstream = IpApiEmulator.Start();
        ownUpstream.LimitBatches(limit: 2, TimeSpan.FromMinutes(1));
        await using var app = new RazorIpInfoFactory(ownUpstream);
        app.Settings["Lookup:Providers:1"] = "mmdb";
        var asked = PublicAddresses(250, seed: 60);

        var items = await ItemsAsync(await PostAsync(app.CreateClient(), asked));
        var more = await ItemsAsync(await PostAsync(app.CreateClient(), PublicAddresses(10, seed: 61)));

        Assert.Equal(2, ownUpstream.BatchRequests);
        Assert.Equal(0, ownUpstream.BatchViolations);
        Assert.All(items[..200], i => Assert.Equal("ip-api.com", i.GetProperty("provider").GetString()));
        Assert.All(items[200..], i => Assert.Equal("DB-IP", i.GetProperty("provider").GetString()));
        Assert.All(more, i => Assert.Equal("DB-IP", i.GetProperty("provider").GetString()));
        Assert.Equal(asked, items.Select(i => i.GetProperty("address").GetString()));
    }

    [Fact]
    public async Task WithoutAFallbackASpentBatchBudgetSaysSoPerAddress()
    {
        // Its own site and emulator: it spends the batch budget.
        using var ownUpstream = IpApiEmulator.Start();
        ownUpstream.LimitBatches(limit: 1, TimeSpan.FromMinutes(1));
        await using var app = new RazorIpInfoFactory(ownUpstream);

        await ItemsAsync(await PostAsync(app.CreateClient(), PublicAddresses(100)));
        var held = await ItemsAsync(await PostAsync(app.CreateClient(), PublicAddresses(3, seed: 2)));

        Assert.Equal(1, ownUpstream.BatchRequests);
        Assert.All(held, i => Assert.Equal(503, i.GetProperty("status").GetInt32()));
        Assert.All(held, i => Assert.Equal("Lookup quota exhausted", i.GetProperty("title").GetString()));
    }

    [Fact]
    public async Task WhatTheUpstreamSaysOfTheBatchBudgetIsSharedByInstancesThroughRedis()
    {
        using var redis = RedisServer.Shared();
        // Sites of its own, through Redis, in front of an emulator of its own: they spend the batch budget.
        using var ownUpstream = IpApiEmulator.Start();
        ownUpstream.LimitBatches(limit: 1, TimeSpan.FromMinutes(1));
        await using var one = new RazorIpInfoFactory(ownUpstream) { Redis = redis.ConnectionString };
        await using var two = new RazorIpInfoFactory(ownUpstream) { Redis = redis.ConnectionString };

        await ItemsAsync(await PostAsync(one.CreateClient(), PublicAddresses(10)));
        var fromTwo = await ItemsAsync(await PostAsync(two.CreateClient(), PublicAddresses(10, seed: 2)));
        var cachedOnTwo = await ItemsAsync(await PostAsync(two.CreateClient(), PublicAddresses(10)));

        Assert.Equal(1, ownUpstream.BatchRequests);
        Assert.Equal(0, ownUpstream.BatchViolations);
        Assert.All(fromTwo, i => Assert.Equal(503, i.GetProperty("status").GetInt32()));
        Assert.All(cachedOnTwo, i => Assert.Equal("ip-api.com", i.GetProperty("provider").GetString()));
        Assert.Contains("ipinfo:v1:quota:ip-api.com:batch", redis.KeysMatching("ipinfo:v1:quota:*"));
    }

    public static TheoryData<string, string, HttpStatusCode, string> BadRequests => new()
    {
        { "application/json", "not json", HttpStatusCode.BadRequest, "Not a JSON array of addresses" },
        { "application/json", "", HttpStatusCode.BadRequest, "Not a JSON array of addresses" },
        { "application/json", "{\"addresses\": [\"8.8.8.8\"]}", HttpStatusCode.BadRequest, "Not a JSON array of addresses" },
        { "application/json", "[\"8.8.8.8\", 8]", HttpStatusCode.BadRequest, "Not a JSON array of addresses" },
        { "application/json", "[[\"8.8.8.8\"]]", HttpStatusCode.BadRequest, "Not a JSON array of addresses" },
        { "application/json", "[\"8.8.8.8\", null]", HttpStatusCode.BadRequest, "Not a JSON array of addresses" },
        { "application/json", "[\"8.8.8.8\"", HttpStatusCode.BadRequest, "Not a JSON array of addresses" },
        { "text/plain", "[\"8.8.8.8\"]", HttpStatusCode.UnsupportedMediaType, "Unsupported Media Type" },
        { "application/x-www-form-urlencoded", "ip=8.8.8.8", HttpStatusCode.UnsupportedMediaType, "Unsupported Media Type" },
        { "application/json", JsonSerializer.Serialize(PublicAddresses(1001)), HttpStatusCode.RequestEntityTooLarge, "Too many addresses" },
        { "application/json", "[\"" + new string('1', 1024 * 1024) + "\"]", HttpStatusCode.RequestEntityTooLarge, "Request too large" },
        { "application/json", "[" + string.Join(',', Enumerable.Repeat("\"8.8.8.8\"", 120_000)) + "]", HttpStatusCode.RequestEntityTooLarge, "Request too large" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task BadBodiesGetAClearProblemAndNothingReachesTheUpstream(string contentType, string body, HttpStatusCode status, string title)
    {
        var before = upstream.Requests.Count;

        var response = await site.Client.PostAsync("/api/ip-info/batch", new StringContent(body, Encoding.UTF8, contentType));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(title, problem.GetProperty("title").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        Assert.Empty(upstream.Requests.Skip(before));
    }

    [Fact]
    public async Task ABodyThatGrowsPastTheLimitWithoutSayingItsLengthIsRefusedToo()
    {
        var before = upstream.Requests.Count;
        var body = "[" + string.Join(',', Enumerable.Repeat("\"8.8.8.8\"", 120_000)) + "]";
        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body)));
        content.Headers.ContentType = new("application/json");

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ip-info/batch") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        var response = await site.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(upstream.Requests.Skip(before));
    }

    [Fact]
    public async Task ABulkLookupSpendsTheSamePerClientAllowanceAsSingleLookups()
    {
        // Its own site and emulator: the allowance is a setting, and it counts every batch.
        using var ownUpstream = IpApiEmulator.Start();
        await using var app = new RazorIpInfoFactory(ownUpstream);
        app.Settings["RateLimits:LookupsPerMinute"] = "10";
        var client = app.CreateClientFor("198.51.100.7");

        var bulk = await PostAsync(client, [.. PublicAddresses(8), "10.0.0.1", "not an address"]);
        var singles = new[] { await client.GetAsync("/api/ip-info/8.8.8.8"), await client.GetAsync("/api/ip-info/8.8.8.8"), await client.GetAsync("/api/ip-info/8.8.8.8") };
        var spent = await PostAsync(client, PublicAddresses(1, seed: 3));
        var spentRow = (await ItemsAsync(spent)).Single();
        var otherClient = await PostAsync(app.CreateClientFor("198.51.100.8"), PublicAddresses(10, seed: 4));

        Assert.Equal(HttpStatusCode.OK, bulk.StatusCode);
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], singles.Select(r => r.StatusCode));
        // Only the offline database could answer it now, and this site has none: the row says so, with when to retry.
        Assert.Equal(503, spentRow.GetProperty("status").GetInt32());
        Assert.NotNull(spent.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, otherClient.StatusCode);
        Assert.Equal(2, ownUpstream.BatchRequests);
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesTheBatchEndpoint()
    {
        var document = await site.Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var batch = document.GetProperty("paths").GetProperty("/api/ip-info/batch").GetProperty("post");

        Assert.Equal("LookupIpInfoBatch", batch.GetProperty("operationId").GetString());
        Assert.True(batch.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
        Assert.True(batch.GetProperty("responses").TryGetProperty("413", out _));
    }
}

/// <summary>A client that goes away mid-upload, over real Kestrel and a raw socket: no error, at most one Debug line.</summary>
public sealed class BatchAbortTests : IDisposable
{
    private readonly IpApiEmulator upstream = IpApiEmulator.Start();

    public void Dispose() => upstream.Dispose();

    private static readonly string[] OneAddress = ["8.8.8.8"];

    public static TheoryData<string> Endings => ["closed", "reset"];

    [Theory]
    [MemberData(nameof(Endings))]
    public async Task AnUploadCutShortIsAtMostOneDebugLineEach(string ending)
    {
        // The line under test is at Debug.
        await using var app = new RazorIpInfoFactory(upstream) { MinimumLogLevel = LogLevel.Debug };
        var site = app.StartOnFreePort();
        const int Aborts = 5;

        for (var i = 0; i < Aborts; i++)
        {
            using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
            await socket.ConnectAsync(IPAddress.Loopback, site.Port);
            // "Expect: 100-continue": Kestrel answers "100 Continue" when the endpoint starts reading the body, so the
            // connection is cut while the upload is being read, not before the request arrived.
            await socket.SendAsync(Encoding.ASCII.GetBytes(
                "POST /api/ip-info/batch HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100000\r\nExpect: 100-continue\r\n\r\n"));
            var buffer = new byte[64];
            var read = await socket.ReceiveAsync(buffer, System.Net.Sockets.SocketFlags.None).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.StartsWith("HTTP/1.1 100", Encoding.ASCII.GetString(buffer, 0, read), StringComparison.Ordinal);
            await socket.SendAsync(Encoding.ASCII.GetBytes("[\"8.8.8.8\", \"1.1."));
            if (ending == "reset")
            {
                socket.LingerState = new System.Net.Sockets.LingerOption(true, 0); // close sends RST
            }

            socket.Close();
        }

        // Wait (bounded) until the site has finished every request, then look at what it wrote.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (app.Logs.GetSnapshot().Count(r => r.Message.StartsWith("Request finished HTTP/1.1 POST", StringComparison.Ordinal)) < Aborts && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        var logs = app.Logs.GetSnapshot();
        var lines = logs.Where(r => r.Message == "A batch upload ended before its body was complete; the client went away").ToList();
        Assert.Equal(Aborts, lines.Count);
        Assert.All(lines, r => Assert.Equal(LogLevel.Debug, r.Level));
        var errors = string.Join("\n", logs.Where(r => r.Level >= LogLevel.Error || (r.Exception is not null && r.Level > LogLevel.Debug))
            .Select(r => $"{r.Level} {r.Category}: {r.Message} {r.Exception?.GetType().Name} {r.Exception?.Message}"));
        Assert.True(errors.Length == 0, errors);
        Assert.Empty(upstream.Requests);

        // And the site still answers a whole upload.
        using var client = new HttpClient { BaseAddress = site };
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/ip-info/batch", OneAddress)).StatusCode);
    }
}
