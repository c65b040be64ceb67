using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using RazorIpInfo.Tests.Infrastructure;
using RazorIpInfo.Tests.Lookup.GeoDb;

namespace RazorIpInfo.Tests.Api;

public sealed class BatchApiTests : IDisposable
{
    private readonly IpApiEmulator upstream = IpApiEmulator.Start();

    public void Dispose() => upstream.Dispose();

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
        await using var app = new RazorIpInfoFactory(upstream);
        var asked = PublicAddresses(addresses);

        var items = await ItemsAsync(await PostAsync(app.CreateClient(), asked));

        Assert.Equal(batchCalls, upstream.BatchRequests);
        Assert.Equal(asked, items.Select(i => i.GetProperty("address").GetString()));
        Assert.All(items, i => Assert.Equal("ip-api.com", i.GetProperty("provider").GetString()));
        Assert.Equal(asked.Order(), upstream.BatchedAddresses.Order());
        Assert.Equal(0, upstream.Requests.Count(r => r.RequestMessage!.Path.StartsWith("/json/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task OnlyWhatTheCacheDoesNotHoldIsAskedAndBatchAnswersServeSingleLookups()
    {
        await using var app = new RazorIpInfoFactory(upstream);
        var client = app.CreateClient();
        await client.GetAsync("/api/ip-info/8.8.8.8");
        var first = PublicAddresses(30);

        await ItemsAsync(await PostAsync(client, ["8.8.8.8", .. first]));
        var again = await ItemsAsync(await PostAsync(client, [.. first, "8.8.8.8", .. PublicAddresses(5, seed: 2)]));
        var single = await client.GetAsync("/api/ip-info/" + first[7]);

        Assert.Equal(2, upstream.BatchRequests);
        Assert.Equal([.. first, .. PublicAddresses(5, seed: 2)], upstream.BatchedAddresses);
        Assert.Equal("Ashburn", again[30].GetProperty("city").GetString());
        Assert.Equal(HttpStatusCode.OK, single.StatusCode);
        Assert.Equal(1, upstream.RequestsFor("8.8.8.8"));
        Assert.Equal(0, upstream.RequestsFor(first[7]));
    }

    [Fact]
    public async Task ResultsKeepTheOrderGivenAndDuplicatesAreAskedOnce()
    {
        await using var app = new RazorIpInfoFactory(upstream);

        var items = await ItemsAsync(await PostAsync(app.CreateClient(),
            ["8.8.8.8", "2001:4860:4860::8888", "::ffff:8.8.8.8", "8.8.8.8", "not an address", "192.168.1.1", "192.0.2.1"]));

        Assert.Equal(["8.8.8.8", "2001:4860:4860::8888", "8.8.8.8", "8.8.8.8"], items[..4].Select(i => i.GetProperty("address").GetString()));
        Assert.Equal((400, "not an address"), (items[4].GetProperty("status").GetInt32(), items[4].GetProperty("query").GetString()));
        Assert.Equal("Private address", items[5].GetProperty("title").GetString());
        Assert.Equal("Reserved address", items[6].GetProperty("title").GetString());
        Assert.Equal(["8.8.8.8", "2001:4860:4860::8888"], upstream.BatchedAddresses);
    }

    [Fact]
    public async Task CountryNamesComeInTheCallersLanguageAndEachLanguageHasItsOwnEntries()
    {
        await using var app = new RazorIpInfoFactory(upstream);
        var client = app.CreateClient();
        var address = PublicAddresses(3).First(a => a.Sum(c => c) % 3 == 1);

        using var german = new HttpRequestMessage(HttpMethod.Post, "/api/ip-info/batch") { Content = JsonContent.Create(new[] { address }) };
        german.Headers.AcceptLanguage.ParseAdd("de-DE");
        var de = await ItemsAsync(await client.SendAsync(german));
        var en = await ItemsAsync(await PostAsync(client, [address]));

        Assert.Equal("Deutschland", de[0].GetProperty("country").GetString());
        Assert.Equal("Germany", en[0].GetProperty("country").GetString());
        Assert.Equal(2, upstream.BatchRequests);
    }

    [GeoDbFact]
    public async Task WhenTheUpstreamSaysTheBatchBudgetIsSpentTheOfflineDatabaseAnswersTheRestWithoutOverQuotaCalls()
    {
        upstream.LimitBatches(limit: 2, TimeSpan.FromMinutes(1));
        await using var app = new RazorIpInfoFactory(upstream);
        app.Settings["Lookup:Providers:1"] = "mmdb";
        var asked = PublicAddresses(250, seed: 60);

        var items = await ItemsAsync(await PostAsync(app.CreateClient(), asked));
        var more = await ItemsAsync(await PostAsync(app.CreateClient(), PublicAddresses(10, seed: 61)));

        Assert.Equal(2, upstream.BatchRequests);
        Assert.Equal(0, upstream.BatchViolations);
        Assert.All(items[..200], i => Assert.Equal("ip-api.com", i.GetProperty("provider").GetString()));
        Assert.All(items[200..], i => Assert.Equal("DB-IP", i.GetProperty("provider").GetString()));
        Assert.All(more, i => Assert.Equal("DB-IP", i.GetProperty("provider").GetString()));
        Assert.Equal(asked, items.Select(i => i.GetProperty("address").GetString()));
    }

    [Fact]
    public async Task WithoutAFallbackASpentBatchBudgetSaysSoPerAddress()
    {
        upstream.LimitBatches(limit: 1, TimeSpan.FromMinutes(1));
        await using var app = new RazorIpInfoFactory(upstream);

        await ItemsAsync(await PostAsync(app.CreateClient(), PublicAddresses(100)));
        var held = await ItemsAsync(await PostAsync(app.CreateClient(), PublicAddresses(3, seed: 2)));

        Assert.Equal(1, upstream.BatchRequests);
        Assert.All(held, i => Assert.Equal(503, i.GetProperty("status").GetInt32()));
        Assert.All(held, i => Assert.Equal("Lookup quota exhausted", i.GetProperty("title").GetString()));
    }

    [Fact]
    public async Task WhatTheUpstreamSaysOfTheBatchBudgetIsSharedByInstancesThroughRedis()
    {
        using var redis = RedisServer.Start();
        upstream.LimitBatches(limit: 1, TimeSpan.FromMinutes(1));
        await using var one = new RazorIpInfoFactory(upstream) { Redis = redis.ConnectionString };
        await using var two = new RazorIpInfoFactory(upstream) { Redis = redis.ConnectionString };

        await ItemsAsync(await PostAsync(one.CreateClient(), PublicAddresses(10)));
        var fromTwo = await ItemsAsync(await PostAsync(two.CreateClient(), PublicAddresses(10, seed: 2)));
        var cachedOnTwo = await ItemsAsync(await PostAsync(two.CreateClient(), PublicAddresses(10)));

        Assert.Equal(1, upstream.BatchRequests);
        Assert.Equal(0, upstream.BatchViolations);
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
        await using var app = new RazorIpInfoFactory(upstream);

        var response = await app.CreateClient().PostAsync("/api/ip-info/batch", new StringContent(body, Encoding.UTF8, contentType));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(title, problem.GetProperty("title").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        Assert.Empty(upstream.Requests);
    }

    [Fact]
    public async Task ABodyThatGrowsPastTheLimitWithoutSayingItsLengthIsRefusedToo()
    {
        await using var app = new RazorIpInfoFactory(upstream);
        var body = "[" + string.Join(',', Enumerable.Repeat("\"8.8.8.8\"", 120_000)) + "]";
        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body)));
        content.Headers.ContentType = new("application/json");

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ip-info/batch") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        var response = await app.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(upstream.Requests);
    }

    [Fact]
    public async Task ABulkLookupSpendsTheSamePerClientAllowanceAsSingleLookups()
    {
        await using var app = new RazorIpInfoFactory(upstream);
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
        Assert.Equal(2, upstream.BatchRequests);
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesTheBatchEndpoint()
    {
        await using var app = new RazorIpInfoFactory(upstream);

        var document = await app.CreateClient().GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var batch = document.GetProperty("paths").GetProperty("/api/ip-info/batch").GetProperty("post");

        Assert.Equal("LookupIpInfoBatch", batch.GetProperty("operationId").GetString());
        Assert.True(batch.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
        Assert.True(batch.GetProperty("responses").TryGetProperty("413", out _));
    }
}
