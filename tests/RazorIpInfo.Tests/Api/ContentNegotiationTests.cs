using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RazorIpInfo.Tests.Infrastructure;
using WireMock.ResponseBuilders;

namespace RazorIpInfo.Tests.Api;

/// <summary>
/// The tests that leave the site as it is share one (<see cref="SharedSite"/>); the ones that change its
/// configuration start their own, in front of their own emulator.
/// </summary>
public sealed class ContentNegotiationTests(SharedSite site) : EmulatedUpstreamTests, IClassFixture<SharedSite>
{
    public static TheoryData<string?, string?, string> Clients => new()
    {
        // User-Agent, Accept, media type of the answer
        { "curl/8.5.0", "*/*", "text/plain" },
        { "Wget/1.21.4", "*/*", "text/plain" },
        { "HTTPie/3.2.2", "*/*", "text/plain" },
        { "xh/0.22.0", "*/*", "text/plain" },
        { null, "text/plain", "text/plain" },
        { "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html" },
        { "Mozilla/5.0", null, "text/html" },
        { "curl/8.5.0", "application/json", "application/json" },
        { null, "application/json", "application/json" },
        { "curl/8.5.0", "text/html", "text/html" },
        { null, "text/html;q=0.5, application/json", "application/json" },
    };

    [Theory]
    [MemberData(nameof(Clients))]
    public async Task RootAnswersInTheFormTheClientAskedFor(string? userAgent, string? accept, string mediaType)
    {
        using var request = Request("/", userAgent, accept);

        var response = await site.App.CreateClientFor("8.8.8.8").SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("Accept", response.Headers.Vary);
        Assert.Contains("User-Agent", response.Headers.Vary);
    }

    [Fact]
    public async Task CurlGetsJustTheAddressAndANewline()
    {
        using var request = Request("/", "curl/8.5.0", "*/*");

        var response = await site.App.CreateClientFor("8.8.8.8").SendAsync(request);

        Assert.Equal("8.8.8.8\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task JsonOnRootIsTheApisRecord()
    {
        using var request = Request("/?ip=2001:4860:4860::8888", null, "application/json");

        var root = await (await site.App.CreateClient().SendAsync(request)).Content.ReadFromJsonAsync<JsonElement>();
        var api = await site.App.CreateClient().GetFromJsonAsync<JsonElement>("/api/ip-info/2001:4860:4860::8888");

        Assert.Equal(api.GetProperty("address").GetString(), root.GetProperty("address").GetString());
        Assert.Equal(api.GetProperty("city").GetString(), root.GetProperty("city").GetString());
        Assert.Equal("Mountain View", root.GetProperty("city").GetString());
    }

    public static TheoryData<string, string> Fields => new()
    {
        { "/ip?ip=8.8.8.8", "8.8.8.8" },
        { "/country?ip=8.8.8.8", "United States" },
        { "/country-iso?ip=8.8.8.8", "US" },
        { "/city?ip=8.8.8.8", "Ashburn" },
        { "/asn?ip=8.8.8.8", "AS15169" },
        { "/coordinates?ip=8.8.8.8", "39.03,-77.5" },
        { "/city", "Ashburn" },
        { "/ip", "8.8.8.8" },
    };

    [Theory]
    [MemberData(nameof(Fields))]
    public async Task TextEndpointsAnswerOneValueAsALine(string url, string value)
    {
        var response = await site.App.CreateClientFor("8.8.8.8").GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(value + "\n", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/country?ip=999.1.1.1", HttpStatusCode.BadRequest, "Not an IP address")]
    [InlineData("/country?ip=1.2.3", HttpStatusCode.BadRequest, "Address in a numeric form")] // 1.2.0.3 to inet_aton
    [InlineData("/?ip=0x08080808", HttpStatusCode.BadRequest, "Address in a numeric form")]
    [InlineData("/city?ip=10.1.2.3", HttpStatusCode.UnprocessableEntity, "Private address")]
    [InlineData("/city?ip=9.9.9.9", HttpStatusCode.BadGateway, "Lookup failed")]
    public async Task TextEndpointErrorsAreAShortLineWithTheRightStatus(string url, HttpStatusCode status, string line)
    {
        site.Upstream.Respond("9.9.9.9", Response.Create().WithStatusCode(500));
        using var request = Request(url, "curl/8.5.0", "*/*");

        var response = await site.App.CreateClient().SendAsync(request);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(line + "\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SpentQuotaIsA503LineWithRetryAfterLikeTheJsonApi()
    {
        Upstream.Respond("9.9.9.9", Response.Create().WithStatusCode(429).WithHeader("X-Rl", "0").WithHeader("X-Ttl", "42"));
        await using var app = new RazorIpInfoFactory(Upstream);

        var response = await app.CreateClient().GetAsync("/country?ip=9.9.9.9");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal("Lookup quota exhausted\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SlowUpstreamIsA504Line()
    {
        // Well past the short attempt timeout, so the outcome does not depend on how busy the machine is.
        Upstream.Respond("9.9.9.9", Response.Create().WithStatusCode(200).WithDelay(RazorIpInfoFactory.SlowAnswer));
        await using var app = new RazorIpInfoFactory(Upstream).WithShortTimeouts().WithFakeTimeEverywhere();
        app.Settings["IpApi:MaxRetries"] = "0";

        var response = await app.MovingTimeUntilAsync(app.CreateClient().GetAsync("/country?ip=9.9.9.9"));

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
    }

    [Theory]
    [InlineData("/", "9.9.9.9", "9.9.9.9")]
    [InlineData("/ip", "9.9.9.9", "9.9.9.9")]
    [InlineData("/ip?ip=9.9.9.9", "8.8.8.8", "9.9.9.9")]
    [InlineData("/?ip=2001:4860:4860:0:0:0:0:8888", "8.8.8.8", "2001:4860:4860::8888")]
    [InlineData("/ip?ip=::ffff:9.9.9.9", "8.8.8.8", "9.9.9.9")]
    public async Task APublicAddressIsItsOwnAnswerEvenWhileTheUpstreamIsDown(string url, string visitor, string line)
    {
        await using var app = new RazorIpInfoFactory(Upstream);
        app.Settings["IpApi:BaseUrl"] = IpApiEmulator.ClosedPortUrl();
        var client = app.CreateClientFor(visitor);
        using var request = Request(url, "curl/8.5.0", "*/*");

        var response = await client.SendAsync(request);

        Assert.Equal((HttpStatusCode.OK, line + "\n"), (response.StatusCode, await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task TextEndpointsShareThePagesRateLimit()
    {
        await using var app = new RazorIpInfoFactory(Upstream);
        app.Settings["RateLimits:LookupsPerMinute"] = "1";
        var client = app.CreateClientFor("8.8.8.8");

        var first = await client.GetAsync("/city?ip=8.8.8.8");
        var second = await client.GetAsync("/country?ip=8.8.8.8");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
    }

    private static HttpRequestMessage Request(string url, string? userAgent, string? accept)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (userAgent is not null)
        {
            request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
        }

        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        return request;
    }
}
