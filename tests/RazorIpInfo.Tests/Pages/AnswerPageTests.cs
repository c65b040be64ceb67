using RazorIpInfo.Tests.Infrastructure;

namespace RazorIpInfo.Tests.Pages;

/// <summary>
/// The page's markup where a person notices it: headings, the skip link, the status line, the intro,
/// the wording for addresses that are not on the internet, and a language chosen with ?culture= that
/// every form and htmx request carries on.
/// </summary>
public sealed class AnswerPageTests(SharedSite site) : IClassFixture<SharedSite>
{
    private static HttpRequestMessage Get(string url, bool htmx = false, string? language = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (htmx)
        {
            request.Headers.Add("HX-Request", "true");
        }

        if (language is not null)
        {
            request.Headers.Add("Accept-Language", language);
        }

        return request;
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/?ip=8.8.8.8")]
    [InlineData("/?ip=999.1.1.1")]
    [InlineData("/bulk")]
    [InlineData("/no-such-page")]
    [InlineData("/AS4294967294")]
    public async Task EveryPageHasOneHeadingOfTheFirstLevelAndASkipLinkToItsContent(string url)
    {
        var page = await Html.ParseAsync(await site.Client.SendAsync(Get(url)));

        Assert.Single(page.QuerySelectorAll("h1"));
        var skip = page.Body!.FirstElementChild!;
        Assert.Equal("#main", skip.GetAttribute("href"));
        Assert.Equal("Skip to content", skip.TextContent.Trim());
        Assert.NotNull(page.QuerySelector("main#main"));
    }

    [Fact]
    public async Task LabelsForAssistiveTechnologyAreTranslated()
    {
        var page = await Html.ParseAsync(await site.Client.SendAsync(Get("/", language: "de")));

        Assert.Equal("Website", page.QuerySelector("header nav:not(.languages)")!.GetAttribute("aria-label"));
        Assert.Equal("Zum Inhalt springen", page.QuerySelector(".skip-link")!.TextContent.Trim());
        Assert.Equal("Kopieren", page.QuerySelector("#ip-card button.copy")!.TextContent.Trim());
    }

    [Fact]
    public async Task ALookedUpAddressIsNotCalledTheVisitorsOwn()
    {
        var own = await site.Client.GetDocumentAsync("/");
        var other = await site.Client.GetDocumentAsync("/?ip=8.8.8.8");

        Assert.StartsWith("Your public address", own.QuerySelector(".lede")!.TextContent.Trim(), StringComparison.Ordinal);
        Assert.DoesNotContain("Your public", other.QuerySelector(".intro")!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("Your public", other.Card().TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheLookupFieldComesBeforeTheCard()
    {
        var page = await site.Client.GetDocumentAsync("/");

        var order = page.QuerySelectorAll("form.lookup, #ip-card").Select(element => element.Id is { Length: > 0 } id ? id : element.ClassName).ToList();

        Assert.Equal(["lookup", "ip-card"], order);
    }

    [Fact]
    public async Task AnIpv6HeadlineMayBreakOnlyAfterAColon()
    {
        var page = await site.Client.GetDocumentAsync("/?ip=2001:4860:4860::8888");

        var headline = page.Card().QuerySelector(".address")!;

        Assert.Equal("2001:4860:4860::8888", headline.TextContent);
        Assert.Equal("2001:<wbr>4860:<wbr>4860:<wbr>:<wbr>8888", headline.InnerHtml);
    }

    [Theory]
    [InlineData("185.199.108.153")]
    [InlineData("2001:4860:4860:1234:5678:9abc:def0:1234")]
    public async Task ALongAddressIsTheCardsHeadline(string address)
    {
        site.Upstream.Answer(address, IpApiEmulator.Samples.Anywhere(address));
        var page = await site.Client.GetDocumentAsync("/?ip=" + Uri.EscapeDataString(address) + "&culture=de");

        var headline = page.Card().QuerySelector("h2.address");
        Assert.True(headline is not null, page.Card().TextContent);
        Assert.Equal(address, headline.TextContent);
    }

    [Fact]
    public async Task AnHtmxCardBringsOneShortStatusLineInsteadOfALiveCard()
    {
        var response = await site.Client.SendAsync(Get("/?handler=Card&ip=8.8.8.8", htmx: true));
        var fragment = await Html.ParseAsync(response);

        var status = fragment.QuerySelector("#card-status")!;
        Assert.Equal("innerHTML", status.GetAttribute("hx-swap-oob"));
        Assert.Equal("8.8.8.8: Ashburn, Virginia, United States", status.TextContent);
    }

    public static TheoryData<string, string> NotOnTheInternet => new()
    {
        { "127.0.0.1", "this computer itself" },
        { "::1", "this computer itself" },
        { "100.64.1.2", "your provider's shared address space" },
        { "169.254.10.20", "link-local address" },
        { "fe80::1", "link-local address" },
        { "192.0.2.1", "reserved for documentation" },
        { "2001:db8::1", "reserved for documentation" },
        { "203.0.113.9", "reserved for documentation" },
        { "10.1.2.3", "private address" },
        { "fd00::1", "private address" },
        { "224.0.0.1", "reserved for special use" },
    };

    [Theory]
    [MemberData(nameof(NotOnTheInternet))]
    public async Task AnAddressThatIsNotOnTheInternetIsNamedForWhatItIs(string address, string wording)
    {
        var page = await site.Client.GetDocumentAsync("/?ip=" + Uri.EscapeDataString(address));

        Assert.Contains(wording, page.Card().TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALanguageChosenInTheAddressIsCarriedByEveryForm()
    {
        var page = await site.Client.GetDocumentAsync("/?ip=8.8.8.8&culture=ja");

        Assert.Equal("ja", page.DocumentElement.GetAttribute("lang"));
        Assert.Equal("ja", page.QuerySelector("form.lookup input[name=culture]")!.GetAttribute("value"));
        Assert.Equal("ja", page.QuerySelector("form.refresh input[name=culture]")!.GetAttribute("value"));

        var bulk = await site.Client.GetDocumentAsync("/bulk?culture=ja");
        Assert.Equal("/bulk?culture=ja", bulk.QuerySelector("#bulk-form")!.GetAttribute("action"));
        Assert.Equal("/bulk?culture=ja", bulk.QuerySelector("#bulk-form")!.GetAttribute("hx-post"));
    }

    [Fact]
    public async Task AnHtmxLookupInAChosenLanguageAnswersInItAndKeepsItInTheAddressBar()
    {
        var response = await site.Client.SendAsync(Get("/?handler=Card&ip=8.8.8.8&culture=ja", htmx: true));
        var fragment = await Html.ParseAsync(response);

        Assert.Equal("/?ip=8.8.8.8&culture=ja", Assert.Single(response.Headers.GetValues("HX-Push-Url")));
        Assert.Equal("コピー", fragment.Card().QuerySelector("button.copy")!.TextContent.Trim());
        Assert.Equal("ja", fragment.QuerySelector("form.refresh input[name=culture]")!.GetAttribute("value"));
    }

    [Fact]
    public async Task TheLanguageSwitcherDropsAChosenLanguageFromTheWayBack()
    {
        var page = await site.Client.GetDocumentAsync("/?ip=8.8.8.8&culture=ja");

        var german = page.QuerySelector(".languages a[hreflang=de]")!.GetAttribute("href")!;

        Assert.Equal("/language/de?returnUrl=" + Uri.EscapeDataString("/?ip=8.8.8.8"), german);
    }

    [Fact]
    public async Task AfterAnHtmxLookupTheIntroNoLongerCallsTheCardTheVisitorsOwn()
    {
        var other = await Html.ParseAsync(await site.Client.SendAsync(Get("/?handler=Card&ip=8.8.8.8", htmx: true)));
        var own = await Html.ParseAsync(await site.Client.SendAsync(Get("/?handler=Card", htmx: true)));
        var refresh = await Html.ParseAsync(await site.Client.SendAsync(Get("/?handler=Card&ip=8.8.8.8&refresh=1", htmx: true)));

        var lede = other.QuerySelector("#intro-lede[hx-swap-oob]")!.TextContent;
        Assert.DoesNotContain("Your public", lede, StringComparison.Ordinal);
        Assert.Equal((await site.Client.GetDocumentAsync("/?ip=8.8.8.8")).QuerySelector("#intro-lede")!.TextContent, lede);
        Assert.StartsWith("Your public address", own.QuerySelector("#intro-lede[hx-swap-oob]")!.TextContent, StringComparison.Ordinal);
        // Refresh keeps the same card, so the intro is left as it is.
        Assert.Null(refresh.QuerySelector("#intro-lede"));
    }
}
