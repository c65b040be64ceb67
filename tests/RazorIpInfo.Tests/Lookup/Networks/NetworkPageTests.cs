using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RazorIpInfo.Tests.Infrastructure;

namespace RazorIpInfo.Tests.Lookup.Networks;

/// <summary>A network typed in place of an address, through the real site: page, htmx fragment, JSON and text.</summary>
public sealed class NetworkPageTests(SharedSite site) : IClassFixture<SharedSite>
{
    private readonly HttpClient client = site.Client;

    private static HttpRequestMessage HtmxGet(string url)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("HX-Request", "true");
        return request;
    }

    [Fact]
    public async Task PageShowsTheNetworksFiguresAndTheAsAnnouncingItWithoutAskingTheUpstream()
    {
        var before = site.Upstream.Requests.Count;

        var response = await client.GetAsync("/?ip=8.8.8.0%2F24");
        var page = await Html.ParseAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("8.8.8.0/24", page.CardAddress());
        Assert.Equal("8.8.8.0/24 — RazorIpInfo", page.Title);
        var facts = page.Facts();
        Assert.Equal(
            ("8.8.8.0", "8.8.8.255", "256", "255.255.255.0", "0.0.0.255", "IPv4"),
            (facts["First address"], facts["Last address"], facts["Addresses"], facts["Netmask"], facts["Wildcard mask"], facts["Address family"]));
        Assert.Equal("AS15169 · Google LLC", facts["Announced by"]);
        Assert.Equal("8.8.8.0/24", facts["Announced prefix"]);
        Assert.Equal("/AS15169", page.Card().QuerySelector(".fact a[href^='/AS']")?.GetAttribute("href"));
        Assert.Null(page.Card().QuerySelector(".host-bits"));
        Assert.NotNull(page.Card().QuerySelector(".network-attribution a[rel='license']"));
        Assert.Equal(before, site.Upstream.Requests.Count);
    }

    [Fact]
    public async Task HostBitsAreClearedAndTheVisitorIsToldSo()
    {
        var page = await client.GetDocumentAsync("/?ip=" + Uri.EscapeDataString("8.8.8.8/24"));

        Assert.Equal("8.8.8.0/24", page.CardAddress());
        Assert.Contains("host bits set", page.Card().QuerySelector(".host-bits")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("8.8.8.8/24", page.QuerySelector("input#ip")!.GetAttribute("value"));
    }

    [Fact]
    public async Task Ipv6NetworkSaysItsSizeAsAPowerOfTwoAndInSixtyFours()
    {
        var page = await client.GetDocumentAsync("/?ip=" + Uri.EscapeDataString("2001:4860::/32"));
        var facts = page.Facts();

        Assert.Equal("2001:4860::/32", page.CardAddress());
        Assert.Equal(("2^96", "4,294,967,296", "IPv6"), (facts["Addresses"], facts["/64 networks"], facts["Address family"]));
        Assert.False(facts.ContainsKey("Netmask"));
        Assert.Equal("AS15169 · Google LLC", facts["Announced by"]);
    }

    [Theory]
    [InlineData("10.0.0.0/8", "private network")]
    [InlineData("127.0.0.0/8", "loopback")]
    [InlineData("192.0.2.0/24", "documentation")]
    [InlineData("2001:db8::/32", "documentation")]
    [InlineData("fe80::/10", "link-local")]
    [InlineData("100.64.0.0/10", "shared address space")]
    public async Task NonPublicNetworkIsNamedForWhatItIsWithItsFiguresAndNoAnnouncement(string prefix, string named)
    {
        var response = await client.GetAsync("/?ip=" + Uri.EscapeDataString(prefix));
        var page = await Html.ParseAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(named, page.Card().QuerySelector(".scope")!.TextContent, StringComparison.Ordinal);
        Assert.True(page.Facts().ContainsKey("First address"));
        Assert.False(page.Facts().ContainsKey("Announced by"));
        Assert.Null(page.Card().QuerySelector("table"));
    }

    [Theory]
    [InlineData("0.0.0.0/0", "4,294,967,296", "158")]
    [InlineData("::/0", "2^128", "3")]
    [InlineData("45.0.0.0/16", "65,536", "150")]
    public async Task HugeNetworkIsAnsweredWithItsFiguresACountAndABoundedList(string prefix, string size, string count)
    {
        var page = await client.GetDocumentAsync("/?ip=" + Uri.EscapeDataString(prefix));

        Assert.Equal(size, page.Facts()["Addresses"]);
        Assert.False(page.Facts().ContainsKey("Announced by"));
        Assert.Contains(count, page.Card().QuerySelector(".announcements")!.TextContent, StringComparison.Ordinal);
        Assert.InRange(page.Card().QuerySelectorAll("table tbody tr").Length, 1, 20);
    }

    [Fact]
    public async Task ManyAnnouncementsSayHowManyAndLinkEachToItsNetworkAndAs()
    {
        var page = await client.GetDocumentAsync("/?ip=" + Uri.EscapeDataString("45.0.0.0/16"));

        Assert.Contains("the network data has 150 announced ranges inside it. The first 20 are listed.", page.Card().QuerySelector(".announcements")!.TextContent, StringComparison.Ordinal);
        var first = page.Card().QuerySelector("table tbody tr")!;
        Assert.Equal("/?ip=45.0.0.0%2F24", first.QuerySelector("th a")!.GetAttribute("href"));
        Assert.Equal("/AS64500", first.QuerySelector("td a")!.GetAttribute("href"));
        Assert.Equal("Paging Test Networks", first.Children[2].TextContent.Trim());
    }

    [Theory]
    [InlineData("8.8.8.0/33")]
    [InlineData("8.8.8.0/-1")]
    [InlineData("8.8.8.0/ 24")]
    [InlineData("0x08080800/24")]
    public async Task MalformedNetworkIsA400WithTheFormToWriteBesideTheField(string typed)
    {
        var response = await client.GetAsync("/?ip=" + Uri.EscapeDataString(typed));
        var page = await Html.ParseAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("That is not a network.", page.QuerySelector("#ip-error")!.TextContent.Trim(), StringComparison.Ordinal);
        Assert.Equal("That is not a network", page.CardTitle());
        Assert.Equal("true", page.QuerySelector("input#ip")!.GetAttribute("aria-invalid"));
    }

    [Fact]
    public async Task HtmxLookupOfANetworkSwapsTheCardAndKeepsTheLanguage()
    {
        var response = await client.SendAsync(HtmxGet("/?handler=Card&culture=de&ip=" + Uri.EscapeDataString("8.8.8.0/24")));
        var fragment = await Html.ParseAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(fragment.Doctype);
        Assert.Equal("8.8.8.0/24", fragment.CardAddress());
        Assert.Equal("8.8.8.0", fragment.Facts()["Erste Adresse"]);
        Assert.Equal("/?ip=8.8.8.0%2F24&culture=de", Assert.Single(response.Headers.GetValues("HX-Push-Url")));
        Assert.Equal("8.8.8.0/24", fragment.QuerySelector("#card-status")!.TextContent);
    }

    [Fact]
    public async Task HtmxLookupOfAMalformedNetworkKeepsTheCardAndExplainsBesideTheField()
    {
        var response = await client.SendAsync(HtmxGet("/?handler=Card&ip=" + Uri.EscapeDataString("8.8.8.0/33")));
        var fragment = await Html.ParseAsync(response);

        Assert.Equal("none", Assert.Single(response.Headers.GetValues("HX-Reswap")));
        Assert.Null(fragment.QuerySelector("#ip-card"));
        Assert.StartsWith("That is not a network.", fragment.QuerySelector("#ip-error")!.TextContent.Trim(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/ip-info/8.8.8.0/24")]
    [InlineData("/api/ip-info/8.8.8.0%2F24")]
    [InlineData("/api/ip-info/8.8.8.0%2f24")]
    public async Task ApiAnswersANetworkWithTheSameFigures(string url)
    {
        var json = await client.GetFromJsonAsync<JsonElement>(url);

        Assert.Equal(
            ("8.8.8.0/24", "8.8.8.0", "8.8.8.255", "256", 8, "255.255.255.0", "0.0.0.255", "public"),
            (json.GetProperty("network").GetString(), json.GetProperty("firstAddress").GetString(), json.GetProperty("lastAddress").GetString(),
                json.GetProperty("addresses").GetString(), json.GetProperty("addressesLog2").GetInt32(), json.GetProperty("netmask").GetString(),
                json.GetProperty("wildcard").GetString(), json.GetProperty("scope").GetString()));
        Assert.Equal("AS15169", json.GetProperty("announcedBy").GetProperty("asNumber").GetString());
    }

    [Fact]
    public async Task ApiGivesTheWholeIpv6SpaceExactlyAndANonPublicNetworkItsScope()
    {
        var everything = await client.GetFromJsonAsync<JsonElement>("/api/ip-info/::%2F0");
        var documentation = await client.GetFromJsonAsync<JsonElement>("/api/ip-info/2001:db8::/32");

        Assert.Equal("340282366920938463463374607431768211456", everything.GetProperty("addresses").GetString());
        Assert.Equal("18446744073709551616", everything.GetProperty("subnets64").GetString());
        Assert.True(everything.GetProperty("includesNonPublic").GetBoolean());
        Assert.Equal(3, everything.GetProperty("announcedInside").GetProperty("count").GetInt32());
        Assert.Equal("documentation", documentation.GetProperty("scope").GetString());
        Assert.Equal(JsonValueKind.Null, documentation.GetProperty("announcedBy").ValueKind);
    }

    [Theory]
    [InlineData("/api/ip-info/8.8.8.0/33")]
    [InlineData("/api/ip-info/8.8.8.0%2F-1")]
    [InlineData("/api/ip-info/0x08080800/24")]
    [InlineData("/api/ip-info/8.8.8.0/24/24")]
    public async Task ApiRefusesAMalformedNetworkWithProblemDetails(string url)
    {
        var response = await client.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Not a network", problem.GetProperty("title").GetString());
    }

    [Theory]
    [InlineData("/asn?ip=8.8.8.0/24", HttpStatusCode.OK, "AS15169")]
    [InlineData("/asn-org?ip=8.8.8.0/24", HttpStatusCode.OK, "Google LLC")]
    [InlineData("/network?ip=8.8.8.8/24", HttpStatusCode.OK, "8.8.8.0/24")]
    [InlineData("/asn?ip=8.8.0.0/16", HttpStatusCode.NotFound, "Not known for this network")]
    [InlineData("/country?ip=8.8.8.0/24", HttpStatusCode.BadRequest, "8.8.8.0/24 is a network, which has no country: /prefix?ip=8.8.8.0/24 gives its figures")]
    public async Task TextEndpointsAnswerANetworkWithOneLine(string url, HttpStatusCode status, string line)
    {
        var response = await client.GetAsync(url);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(line + "\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task PrefixTextEndpointPrintsTheFiguresAsLinesForCurl()
    {
        var response = await client.GetAsync("/prefix?ip=8.8.8.8/24");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/?ip=8.8.8.0/24");
        request.Headers.UserAgent.ParseAdd("curl/8.5.0");
        var root = await client.SendAsync(request);

        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(
            "network: 8.8.8.0/24\nfirst: 8.8.8.0\nlast: 8.8.8.255\naddresses: 256\nnetmask: 255.255.255.0\nwildcard: 0.0.0.255\nfamily: IPv4\n" +
            "scope: public\nhost-bits-set: true\nannounced-by: AS15169 Google LLC\nannounced-as: 8.8.8.0/24\n",
            text);
        Assert.Equal(HttpStatusCode.OK, root.StatusCode);
        Assert.StartsWith("network: 8.8.8.0/24\n", await root.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/prefix?ip=8.8.8.0/-1")]
    [InlineData("/prefix?ip=8.8.8.8")]
    [InlineData("/prefix")]
    public async Task PrefixTextEndpointRefusesWhatIsNotANetworkWithTheFormToWrite(string url)
    {
        var response = await client.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("8.8.8.0/24", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
