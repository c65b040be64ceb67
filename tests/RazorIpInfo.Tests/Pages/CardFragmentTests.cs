using System.Net;
using System.Security.Cryptography;
using AngleSharp.Dom;
using RazorIpInfo.Tests.Infrastructure;

namespace RazorIpInfo.Tests.Pages;

/// <summary>
/// The card fragment htmx swaps in, and the page that must stay whole without it. The tests that leave the site as
/// it is share one (<see cref="SharedSite"/>); the two that take the upstream away or count its requests from zero
/// start their own, in front of their own emulator.
/// </summary>
public sealed class CardFragmentTests(SharedSite site) : EmulatedUpstreamTests, IClassFixture<SharedSite>
{
    private static HttpRequestMessage HtmxGet(string url, bool historyRestore = false)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("HX-Request", "true");
        if (historyRestore)
        {
            request.Headers.Add("HX-History-Restore-Request", "true");
        }

        return request;
    }

    private static void AssertIsFragment(IDocument document)
    {
        Assert.Null(document.Doctype);
        Assert.Empty(document.QuerySelectorAll("header, footer, main, script, link, meta"));
        Assert.NotNull(document.QuerySelector("#ip-card"));

        // No live region comes with the card: the page's status line stays in place and gets one short line.
        Assert.Empty(document.QuerySelectorAll("[aria-live], [role=status]"));
    }

    private static void AssertIsFullPage(IDocument document)
    {
        Assert.NotNull(document.Doctype);
        Assert.NotNull(document.QuerySelector("head > title"));
        Assert.NotNull(document.QuerySelector("header.site-header"));
        // One short status line is the live region, not the whole card.
        Assert.Empty(document.QuerySelectorAll("[aria-live]"));
        Assert.Equal("", document.QuerySelector("#card-status[role=status]")!.TextContent);
        Assert.NotNull(document.QuerySelector("main form.lookup"));
    }

    [Fact]
    public async Task HtmxLookupGetsTheCardAloneAndThePageUrlForTheAddressBar()
    {
        var response = await site.Client.SendAsync(HtmxGet("/?handler=Card&ip=8.8.8.8"));
        var fragment = await Html.ParseAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertIsFragment(fragment);
        Assert.Equal("8.8.8.8", fragment.CardAddress());
        Assert.Equal("Ashburn", fragment.Facts()["City"]);
        Assert.Contains("HX-Request", response.Headers.Vary);
        Assert.Equal("/?ip=8.8.8.8", Assert.Single(response.Headers.GetValues("HX-Push-Url")));
        Assert.Equal("8.8.8.8 — RazorIpInfo", fragment.Title);
    }

    [Fact]
    public async Task PushedUrlIsTheNormalisedAddress()
    {
        var response = await site.Client.SendAsync(HtmxGet("/?handler=Card&ip=" + Uri.EscapeDataString(" ::ffff:8.8.8.8 ")));

        Assert.Equal("/?ip=8.8.8.8", Assert.Single(response.Headers.GetValues("HX-Push-Url")));
    }

    [Fact]
    public async Task HtmxLookupOfTheOwnAddressPushesTheStartPage()
    {
        using var client = site.App.CreateClientFor("8.8.8.8");

        var response = await client.SendAsync(HtmxGet("/?handler=Card&ip="));

        Assert.Equal("8.8.8.8", (await Html.ParseAsync(response)).CardAddress());
        Assert.Equal("/", Assert.Single(response.Headers.GetValues("HX-Push-Url")));
    }

    [Fact]
    public async Task HtmxRefreshGetsTheCardAloneAndStaysOnItsPage()
    {
        var response = await site.Client.SendAsync(HtmxGet("/?handler=Card&ip=8.8.8.8&refresh=1"));
        var fragment = await Html.ParseAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertIsFragment(fragment);
        Assert.Equal("8.8.8.8", fragment.CardAddress());
        Assert.Null(fragment.QuerySelector("#ip-field"));
        Assert.False(response.Headers.Contains("HX-Push-Url"));
    }

    [Fact]
    public async Task HtmxLookupOfABadAddressKeepsTheCardAndSwapsInTheFieldError()
    {
        // Its own site: "no upstream call" is counted from zero.
        await using var app = new RazorIpInfoFactory(Upstream);

        var response = await app.CreateClient().SendAsync(HtmxGet("/?handler=Card&ip=999.1.1.1"));
        var fragment = await Html.ParseAsync(response);

        // 200, not the page's 400, so that htmx handles it; HX-Reswap keeps the visitor's card where it is.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("none", Assert.Single(response.Headers.GetValues("HX-Reswap")));
        Assert.Null(fragment.QuerySelector("#ip-card"));
        var field = fragment.QuerySelector("#ip-field")!;
        Assert.Equal("true", field.GetAttribute("hx-swap-oob"));
        Assert.Equal("true", field.QuerySelector("#ip")!.GetAttribute("aria-invalid"));
        Assert.Contains("ip-error", field.QuerySelector("#ip")!.GetAttribute("aria-describedby")!, StringComparison.Ordinal);
        Assert.Equal("That is not an IP address.", field.QuerySelector("#ip-error")!.TextContent.Trim());
        Assert.False(response.Headers.Contains("HX-Push-Url"));
        Assert.Empty(Upstream.Requests);
    }

    [Fact]
    public async Task HtmxLookupOfAGoodAddressClearsTheFieldError()
    {
        var fragment = await Html.ParseAsync(await site.Client.SendAsync(HtmxGet("/?handler=Card&ip=8.8.8.8")));

        var field = fragment.QuerySelector("#ip-field[hx-swap-oob]")!;
        Assert.Equal("false", field.QuerySelector("#ip")!.GetAttribute("aria-invalid"));
        Assert.Equal("8.8.8.8", field.QuerySelector("#ip")!.GetAttribute("value"));
        Assert.Null(field.QuerySelector("#ip-error"));
    }

    [Fact]
    public async Task HtmxLookupWithTheUpstreamDownSwapsInTheErrorCard()
    {
        await using var app = new RazorIpInfoFactory(Upstream);
        app.Settings["IpApi:BaseUrl"] = IpApiEmulator.ClosedPortUrl();

        var response = await app.CreateClient().SendAsync(HtmxGet("/?handler=Card&ip=8.8.8.8"));
        var fragment = await Html.ParseAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertIsFragment(fragment);
        Assert.Equal("This server cannot reach ip-api.com", fragment.CardTitle());
    }

    [Fact]
    public async Task HistoryRestoreRequestGetsTheFullPage()
    {
        var response = await site.Client.SendAsync(HtmxGet("/?handler=Card&ip=8.8.8.8", historyRestore: true));
        var page = await Html.ParseAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertIsFullPage(page);
        Assert.Equal("8.8.8.8", page.CardAddress());
        Assert.Contains("HX-Request", response.Headers.Vary);
    }

    [Fact]
    public async Task CardUrlOpenedWithoutHtmxIsTheFullPage()
    {
        var response = await site.Client.GetAsync("/?handler=Card&ip=999.1.1.1");
        var page = await Html.ParseAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        AssertIsFullPage(page);
        Assert.Equal("That is not an IP address.", page.QuerySelector("#ip-error")!.TextContent.Trim());
        Assert.Contains("HX-Request", response.Headers.Vary);
    }

    [Fact]
    public async Task PushedUrlsAreFullPagesShowingTheSameCard()
    {
        var client = site.Client;

        var fragmentResponse = await client.SendAsync(HtmxGet("/?handler=Card&ip=2001:4860:4860::8888"));
        var pushed = Assert.Single(fragmentResponse.Headers.GetValues("HX-Push-Url"));
        var page = await client.GetDocumentAsync(pushed);

        AssertIsFullPage(page);
        Assert.Equal((await Html.ParseAsync(fragmentResponse)).CardAddress(), page.CardAddress());
    }

    [Fact]
    public async Task PageHasNoInlineScriptOrStyleAndLoadsHtmxFromItsOwnOriginWithItsIntegrity()
    {
        var client = site.Client;

        var page = await client.GetDocumentAsync("/?ip=8.8.8.8");

        Assert.Empty(page.QuerySelectorAll("script:not([src]), style, [style]"));
        Assert.DoesNotContain(page.All, element => element.Attributes.Any(attribute => attribute.Name.StartsWith("on", StringComparison.Ordinal)));
        var htmx = page.QuerySelector("script[src*='/lib/htmx/']")!;
        var src = htmx.GetAttribute("src")!;
        Assert.StartsWith("/lib/htmx/", src, StringComparison.Ordinal);
        Assert.True(htmx.HasAttribute("defer"));
        var served = await client.GetByteArrayAsync(src);
        Assert.Equal("sha384-" + Convert.ToBase64String(SHA384.HashData(served)), htmx.GetAttribute("integrity"));
        var config = System.Text.Json.JsonDocument.Parse(page.QuerySelector("meta[name=htmx-config]")!.GetAttribute("content")!).RootElement;
        Assert.False(config.GetProperty("includeIndicatorStyles").GetBoolean());
    }
}
