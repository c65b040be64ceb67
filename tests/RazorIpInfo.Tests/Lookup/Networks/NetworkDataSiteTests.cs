using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RazorIpInfo.Tests.Infrastructure;
using RazorIpInfo.Tests.Lookup.GeoDb;
using WireMock.ResponseBuilders;

namespace RazorIpInfo.Tests.Lookup.Networks;

/// <summary>The network data through the real site: card, JSON, text endpoints, AS pages and the AS API.</summary>
public sealed class NetworkDataSiteTests(SharedSite site) : IClassFixture<SharedSite>
{
    private readonly IpApiEmulator upstream = site.Upstream;
    private readonly HttpClient client = site.Client;

    [Fact]
    public async Task CardShowsThePrefixLinksTheAsAndCreditsTheNetworkData()
    {
        var page = await client.GetDocumentAsync("/?ip=8.8.8.8");

        Assert.Equal("8.8.8.0/24", page.Facts()["Network prefix"]);
        // ip-api.com answered, so its AS data is what the card shows.
        Assert.Equal("AS15169 · GOOGLE", page.Facts()["AS"]);
        Assert.Equal("/AS15169", page.Card().QuerySelector(".fact a[href^='/AS']")?.GetAttribute("href"));
        var credit = page.Card().QuerySelector(".network-attribution");
        Assert.NotNull(credit);
        Assert.NotNull(credit.QuerySelector("a[href='https://www.routeviews.org/']"));
        Assert.NotNull(credit.QuerySelector("a[rel='license']"));
    }

    [Fact]
    public async Task JsonCarriesTheProviderAsDataAndTheOfflinePrefix()
    {
        var json = await client.GetFromJsonAsync<JsonElement>("/api/ip-info/2001:4860:4860::8888");

        Assert.Equal("2001:4860::/32", json.GetProperty("network").GetString());
        Assert.Equal("AS15169", json.GetProperty("asNumber").GetString());
        Assert.Equal("ip-api.com", json.GetProperty("provider").GetString());
    }

    [Theory]
    [InlineData("/network?ip=8.8.8.8", HttpStatusCode.OK, "8.8.8.0/24")]
    [InlineData("/asn-org?ip=8.8.8.8", HttpStatusCode.OK, "GOOGLE")]
    [InlineData("/network?ip=2001:4860:4860::8888", HttpStatusCode.OK, "2001:4860::/32")]
    [InlineData("/network?ip=10.1.2.3", (HttpStatusCode)422, "Private address")]
    [InlineData("/network?ip=not..a.name", HttpStatusCode.BadRequest, "Not an IP address")]
    public async Task TextEndpointsAnswerWithOneLine(string url, HttpStatusCode status, string line)
    {
        var response = await client.GetAsync(url);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(line + "\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AddressOutsideTheDataHasNoPrefixRowAndNoCredit()
    {
        upstream.Answer("9.9.9.9", new { status = "success", country = "Switzerland", countryCode = "CH", query = "9.9.9.9" });

        var response = await client.GetAsync("/network?ip=9.9.9.9");
        var page = await client.GetDocumentAsync("/?ip=9.9.9.9");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.False(page.Facts().ContainsKey("Network prefix"));
        Assert.Null(page.Card().QuerySelector(".network-attribution"));
    }

    [Fact]
    public async Task AsPageCountsAndListsThePrefixesEachLinkingToItsCard()
    {
        var response = await client.GetAsync("/AS15169");
        var page = await Html.ParseAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("AS15169", page.QuerySelector("h1")!.TextContent.Trim());
        Assert.Equal("Google LLC", page.QuerySelector(".as-card .place")!.TextContent.Trim());
        var facts = page.QuerySelectorAll(".as-card .fact").ToDictionary(f => f.QuerySelector("dt")!.TextContent, f => f.QuerySelector("dd")!.TextContent);
        Assert.Equal(("2", "512", "2", "≈ 2^97"), (facts["IPv4 prefixes"], facts["IPv4 addresses"], facts["IPv6 prefixes"], facts["IPv6 addresses"]));
        Assert.Equal(
            ["/?ip=8.8.4.0", "/?ip=8.8.8.0", "/?ip=2001%3A4860%3A%3A", "/?ip=2a00%3A1450%3A%3A"],
            page.QuerySelectorAll(".prefixes a").Select(a => a.GetAttribute("href")));
        Assert.NotNull(page.QuerySelector(".network-attribution a[href='https://db-ip.com']"));
    }

    [Fact]
    public async Task LargeAsIsPagedWithLinksBothWays()
    {
        var first = await client.GetDocumentAsync("/AS64500");
        var second = await client.GetDocumentAsync("/AS64500?page=2");

        Assert.Equal(100, first.QuerySelectorAll(".prefixes tbody tr").Length);
        Assert.Equal("/AS64500?page=2", first.QuerySelector("nav.pager a[rel='next']")?.GetAttribute("href"));
        Assert.Equal(50, second.QuerySelectorAll(".prefixes tbody tr").Length);
        Assert.Equal("45.0.100.0/24", second.QuerySelector(".prefixes a")!.TextContent);
        Assert.Equal("/AS64500", second.QuerySelector("nav.pager a[rel='prev']")?.GetAttribute("href"));
        Assert.Null(second.QuerySelector("nav.pager a[rel='next']"));

        // The pager above the table and again below it; each row the prefix, its size and its first address.
        Assert.Equal(2, first.QuerySelectorAll(".pager a[rel='next']").Length);
        Assert.Equal(
            ["45.0.100.0/24", "256", "45.0.100.0"],
            second.QuerySelector(".prefixes tbody tr")!.Children.Select(cell => cell.TextContent.Trim()));
        Assert.NotNull(first.QuerySelector("form.lookup[action='/'] input#ip"));
    }

    [Theory]
    [InlineData("/AS64496")] // in no data
    [InlineData("/AS4294967296")] // past 32 bits
    [InlineData("/ASgoogle")]
    [InlineData("/AS15169?page=2")] // past the last page
    [InlineData("/AS15169?page=-1")]
    public async Task UnknownAsGetsTheFriendlyNotFoundPage(string url)
    {
        var response = await client.GetAsync(url);
        var page = await Html.ParseAsync(response);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("Page not found", page.QuerySelector("#error-title")?.TextContent.Trim());
    }

    [Fact]
    public async Task AsApiGivesCountsAndOnePageOfPrefixes()
    {
        var json = await client.GetFromJsonAsync<JsonElement>("/api/as/AS64500?page=2");

        Assert.Equal("AS64500", json.GetProperty("asNumber").GetString());
        Assert.Equal("Paging Test Networks", json.GetProperty("organisation").GetString());
        Assert.Equal(150, json.GetProperty("ipv4").GetProperty("prefixes").GetInt32());
        Assert.Equal("38400", json.GetProperty("ipv4").GetProperty("addresses").GetString());
        Assert.Equal((2, 2), (json.GetProperty("page").GetInt32(), json.GetProperty("pageCount").GetInt32()));
        Assert.Equal(50, json.GetProperty("prefixes").GetArrayLength());
        Assert.Equal("45.0.100.0", json.GetProperty("prefixes")[0].GetProperty("firstAddress").GetString());
    }

    [Theory]
    [InlineData("/api/as/64496", HttpStatusCode.NotFound, "Unknown AS")]
    [InlineData("/api/as/15169?page=9", HttpStatusCode.NotFound, "No such page")]
    [InlineData("/api/as/4294967296", HttpStatusCode.BadRequest, "Not an AS number")]
    [InlineData("/api/as/AS-1", HttpStatusCode.BadRequest, "Not an AS number")]
    public async Task AsApiExplainsWhatItCannotAnswer(string url, HttpStatusCode status, string title)
    {
        var response = await client.GetAsync(url);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(title, problem.GetProperty("title").GetString());
    }

    [GeoDbFact]
    public async Task WithoutTheUpstreamTheOfflineChainStillGivesPlaceAsOrganisationAndPrefix()
    {
        GeoDbFiles.Require();
        upstream.Respond("1.1.1.1", Response.Create().WithStatusCode(500));
        await using var offline = new RazorIpInfoFactory(upstream);
        offline.Settings["Lookup:Providers:1"] = "mmdb";

        var facts = (await offline.CreateClient().GetDocumentAsync("/?ip=1.1.1.1")).Facts();

        Assert.True(facts.ContainsKey("Country"));
        Assert.Equal("AS13335 · Cloudflare, Inc.", facts["AS"]);
        Assert.Equal("Cloudflare, Inc.", facts["Organisation"]);
        Assert.Equal("1.1.1.0/24", facts["Network prefix"]);
    }
}
