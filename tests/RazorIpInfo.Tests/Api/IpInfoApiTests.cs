using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RazorIpInfo.Tests.Infrastructure;
using WireMock.ResponseBuilders;

namespace RazorIpInfo.Tests.Api;

/// <summary>
/// The single-address API. The tests that leave the site as it is share one (<see cref="SharedSite"/>), each
/// outcome scripted for an address of its own; a spent budget and a timeout need a site of their own.
/// </summary>
public sealed class IpInfoApiTests(SharedSite site) : IClassFixture<SharedSite>
{
    private IpApiEmulator Upstream => site.Upstream;

    [Fact]
    public async Task AddressLookupReturnsTheRecordAsCamelCaseJson()
    {
        var response = await site.Client.GetAsync("/api/ip-info/8.8.8.8");
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("8.8.8.8", json.GetProperty("address").GetString());
        Assert.Equal("United States", json.GetProperty("country").GetString());
        Assert.Equal("US", json.GetProperty("countryCode").GetString());
        Assert.Equal("Ashburn", json.GetProperty("city").GetString());
        Assert.Equal(-77.5, json.GetProperty("longitude").GetDouble());
        Assert.Equal("AS15169", json.GetProperty("asNumber").GetString());
        Assert.Equal("ip-api.com", json.GetProperty("provider").GetString());
        Assert.True(json.GetProperty("hosting").GetBoolean());
    }

    [Fact]
    public async Task CallerLookupUsesTheAddressTheTrustedProxyReports()
    {
        // No other test of the class asks about this address: the count below is this test's.
        using var client = site.App.CreateClientFor("2001:4860:4860::8888");

        var json = await client.GetFromJsonAsync<JsonElement>("/api/ip-info");

        Assert.Equal("2001:4860:4860::8888", json.GetProperty("address").GetString());
        Assert.Equal(1, Upstream.RequestsFor("2001:4860:4860::8888"));
    }

    [Fact]
    public async Task CallerOnTheLocalNetworkGetsTheServersPublicAddress()
    {
        using var client = site.App.CreateClientFor("127.0.0.1");

        var json = await client.GetFromJsonAsync<JsonElement>("/api/ip-info");

        Assert.Equal(IpApiEmulator.ServerAddress, json.GetProperty("address").GetString());
    }

    // Each outcome for an address of its own: the shared emulator keeps every test's script, and the site caches
    // what an address was answered (a refusal for a day, a failure for seconds).
    public static TheoryData<string, IResponseBuilder, HttpStatusCode, string> UpstreamOutcomes => new()
    {
        { "9.9.9.2", Response.Create().WithStatusCode(500), HttpStatusCode.BadGateway, "Lookup failed" },
        { "9.9.9.3", Response.Create().WithStatusCode(200).WithBody("not json"), HttpStatusCode.BadGateway, "Lookup failed" },
        { "9.9.9.5", Response.Create().WithStatusCode(200).WithBodyAsJson(IpApiEmulator.Samples.Fail("private range", "9.9.9.5")), HttpStatusCode.UnprocessableEntity, "Private address" },
        { "9.9.9.6", Response.Create().WithStatusCode(200).WithBodyAsJson(IpApiEmulator.Samples.Fail("reserved range", "9.9.9.6")), HttpStatusCode.UnprocessableEntity, "Reserved address" },
        { "9.9.9.7", Response.Create().WithStatusCode(200).WithBodyAsJson(IpApiEmulator.Samples.Fail("invalid query", "9.9.9.7")), HttpStatusCode.BadRequest, "Not an IP address" },
    };

    [Theory]
    [MemberData(nameof(UpstreamOutcomes))]
    public async Task EveryUpstreamOutcomeBecomesAProblemDetailsStatus(string address, IResponseBuilder answer, HttpStatusCode expected, string title)
    {
        Upstream.Respond(address, answer);

        var response = await site.Client.GetAsync("/api/ip-info/" + address);

        await AssertProblemAsync(response, expected, title);
    }

    // A spent budget stops every lookup of the site that hears of it, and a timeout needs the short timeouts.
    public static TheoryData<string, IResponseBuilder, HttpStatusCode, string> UpstreamOutcomesForASiteOfTheirOwn => new()
    {
        { "9.9.9.1", Response.Create().WithStatusCode(429).WithHeader("X-Rl", "0").WithHeader("X-Ttl", "42"), HttpStatusCode.ServiceUnavailable, "Lookup quota exhausted" },
        { "9.9.9.4", Response.Create().WithStatusCode(200).WithBodyAsJson(IpApiEmulator.Samples.GoogleDnsV4).WithDelay(RazorIpInfoFactory.SlowAnswer), HttpStatusCode.GatewayTimeout, "Lookup timed out" },
    };

    [Theory]
    [MemberData(nameof(UpstreamOutcomesForASiteOfTheirOwn))]
    public async Task ASpentBudgetAndATimeoutBecomeAProblemDetailsStatusToo(string address, IResponseBuilder answer, HttpStatusCode expected, string title)
    {
        using var ownUpstream = IpApiEmulator.Start();
        ownUpstream.Respond(address, answer);
        await using var app = new RazorIpInfoFactory(ownUpstream);
        if (expected == HttpStatusCode.GatewayTimeout)
        {
            app.WithShortTimeouts().WithFakeTimeEverywhere();
        }

        var asked = app.CreateClient().GetAsync("/api/ip-info/" + address);
        var response = app.Clock is null ? await asked : await app.MovingTimeUntilAsync(asked);

        await AssertProblemAsync(response, expected, title);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode expected, string title)
    {
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(title, problem.GetProperty("title").GetString());
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        if (expected == HttpStatusCode.ServiceUnavailable)
        {
            Assert.Equal(TimeSpan.FromSeconds(42), response.Headers.RetryAfter!.Delta);
        }
    }

    [Theory]
    [InlineData("10.1.2.3", "Private address")]
    [InlineData("100.64.0.1", "Private address")]
    [InlineData("203.0.113.7", "Reserved address")]
    [InlineData("2001:db8::1", "Reserved address")]
    public async Task NonPublicAddressesAre422WithoutAnUpstreamCall(string address, string title)
    {
        var before = Upstream.Requests.Count;

        var response = await site.Client.GetAsync("/api/ip-info/" + address);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(title, problem.GetProperty("title").GetString());
        Assert.Contains(address, problem.GetProperty("detail").GetString()!, StringComparison.Ordinal);
        Assert.Empty(Upstream.Requests.Skip(before));
    }

    [Fact]
    public async Task OpenApiDocumentDescribesBothEndpoints()
    {
        var document = await site.Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/ip-info", paths);
        Assert.Contains(paths, p => p.StartsWith("/api/ip-info/{", StringComparison.Ordinal));
    }
}
