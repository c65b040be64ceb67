using Microsoft.Playwright;
using RazorIpInfo.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace RazorIpInfo.Tests.Browser;

/// <summary>
/// The answer where the eye is, measured in Chromium at a phone's and a desktop's size: the address on one
/// line in every language, an IPv6 address broken only after a colon, a lookup's card in view with focus on
/// it, Copy, and the facts above the fold.
/// </summary>
[Trait("Category", "Browser")]
public sealed class AnswerPageBrowserTests(BrowserSite site) : IClassFixture<BrowserSite>
{
    public static TheoryData<int> Widths => [390, 1280];

    private static readonly string[] Cultures = ["en", "de", "es", "fr", "ja", "pt-BR", "ru", "zh-CN"];

    /// <summary>The headline's lines as the browser laid them out: the text of each, from a range over every character.</summary>
    private const string HeadlineLines = """
        () => {
            const headline = document.querySelector('#ip-card .address');
            const lines = [];
            let lastTop = null;
            const walker = document.createTreeWalker(headline, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                for (let i = 0; i < node.length; i++) {
                    const range = document.createRange();
                    range.setStart(node, i);
                    range.setEnd(node, i + 1);
                    const top = Math.round(range.getBoundingClientRect().top);
                    if (lastTop === null || Math.abs(top - lastTop) > 4) {
                        lines.push('');
                        lastTop = top;
                    }
                    lines[lines.length - 1] += node.data[i];
                }
            }
            return lines;
        }
        """;

    [BrowserTheory]
    [MemberData(nameof(Widths))]
    public async Task TheLongestIpv4AddressStaysOnOneLineInEveryLanguage(int width)
    {
        await using var tab = await site.OpenAsync(new Look(Dark: false, width));
        site.Upstream.Answer("185.199.108.153", IpApiEmulator.Samples.Anywhere("185.199.108.153"));

        foreach (var culture in Cultures)
        {
            // A found card has Copy and Refresh beside the address (German's "Aktualisieren" is the longest);
            // 255.255.255.255 is the widest an IPv4 address is written.
            foreach (var address in new[] { "185.199.108.153", "255.255.255.255" })
            {
                await tab.Page.GotoAsync($"/?ip={address}&culture={culture}");
                await Expect(tab.CardAddress).ToHaveTextAsync(address);

                var lines = await tab.Page.EvaluateAsync<string[]>(HeadlineLines);
                Assert.True(lines.Length == 1, $"{address} in {culture} at {width}px: [{string.Join(" | ", lines)}]");
                var overflow = await tab.CardAddress.EvaluateAsync<double>("h => h.scrollWidth - h.clientWidth");
                Assert.True(overflow <= 0, $"{address} in {culture} at {width}px runs {overflow}px out of its box.");
            }
        }

        await tab.ScreenshotAsync("longest-ipv4-zh-CN");
    }

    [BrowserTheory]
    [MemberData(nameof(Widths))]
    public async Task ALongIpv6AddressBreaksOnlyAfterAColon(int width)
    {
        const string address = "2001:4860:4860:1234:5678:9abc:def0:1234";
        await using var tab = await site.OpenAsync(new Look(Dark: true, width));
        site.Upstream.Answer(address, IpApiEmulator.Samples.Anywhere(address));

        await tab.Page.GotoAsync("/?ip=" + address);
        await Expect(tab.CardAddress).ToHaveTextAsync(address);

        var lines = await tab.Page.EvaluateAsync<string[]>(HeadlineLines);
        Assert.Equal(address, string.Concat(lines));
        Assert.All(lines[..^1], line => Assert.EndsWith(":", line, StringComparison.Ordinal));
        if (width < 600)
        {
            // Too long for a phone's line: it does break, and where it may.
            Assert.True(lines.Length > 1, $"Expected a break at {width}px: [{string.Join(" | ", lines)}]");
        }

        await tab.ScreenshotAsync("long-ipv6");
    }

    [BrowserTheory]
    [MemberData(nameof(Widths))]
    public async Task AfterALookupTheNewCardIsInViewWithFocusOnItsHeading(int width)
    {
        await using var tab = await site.OpenAsync(new Look(Dark: false, width));
        var page = tab.Page;
        await tab.GoHomeAsync();
        await tab.TagAsync("h1");

        await tab.LookUpFromTheKeyboardAsync("8.8.8.8");
        await Expect(tab.CardTitle).ToBeFocusedAsync();
        var top = await tab.Card.EvaluateAsync<double>("card => card.getBoundingClientRect().top");
        var height = await page.EvaluateAsync<double>("() => window.innerHeight");
        Assert.InRange(top, 0, height - 100);
        await Expect(tab.Status).ToHaveTextAsync("8.8.8.8: Ashburn, Virginia, United States");
        Assert.True(await tab.IsSameNodeAsync("h1"), "The page reloaded instead of swapping the card.");
        Assert.Empty(tab.ConsoleErrors);
    }

    [BrowserFact]
    public async Task LookUpSaysItIsLookingUpWhileTheRequestIsInFlight()
    {
        await using var tab = await site.OpenAsync(Look.PhoneDark);
        var page = tab.Page;
        await tab.GoHomeAsync();
        var release = new TaskCompletionSource();
        await page.RouteAsync(url => url.Contains("handler=Card", StringComparison.Ordinal), async route =>
        {
            await release.Task;
            await route.ContinueAsync();
        });

        await tab.Field.FillAsync("8.8.8.8");
        await tab.LookupButton.ClickAsync();

        await Expect(tab.LookupButton).ToHaveAccessibleNameAsync("Looking up…");
        await Expect(tab.LookupButton).ToBeDisabledAsync();
        await tab.ScreenshotAsync("looking-up");
        release.SetResult();
        await Expect(tab.CardAddress).ToHaveTextAsync("8.8.8.8");
        await Expect(tab.LookupButton).ToHaveAccessibleNameAsync("Look up");
        Assert.Empty(tab.ConsoleErrors);
    }

    [BrowserFact]
    public async Task ALookupTurnedAwaySaysWhyBesideTheFieldAndKeepsTheCard()
    {
        await using var tab = await site.OpenAsync(Look.DesktopLight);
        var page = tab.Page;
        await tab.GoHomeAsync();

        // A typo: the server's answer is the field with its error, and HX-Reswap: none for the card (the same
        // answer as for a spent allowance, whose markup the fragment tests check).
        await tab.Field.FillAsync("8.8.4.400");
        await tab.Field.PressAsync("Enter");

        await Expect(page.Locator("#ip-error")).ToBeVisibleAsync();
        await Expect(tab.Field).ToHaveAccessibleDescriptionAsync(new System.Text.RegularExpressions.Regex("^That is not an IP address"));
        await Expect(tab.Field).ToBeFocusedAsync();
        await Expect(tab.CardAddress).ToHaveTextAsync(IpApiEmulator.ServerAddress);
        var error = await page.Locator("#ip-error").BoundingBoxAsync();
        var field = await tab.Field.BoundingBoxAsync();
        Assert.InRange(error!.Y - (field!.Y + field.Height), 0, 60);
        await tab.ScreenshotAsync("turned-away");
        Assert.Empty(tab.ConsoleErrors);
    }

    [BrowserFact]
    public async Task CopyPutsTheAddressOnTheClipboardAndSaysSo()
    {
        await using var tab = await site.OpenAsync(Look.PhoneDark);
        await tab.GrantClipboardAsync();
        await tab.Page.GotoAsync("/?ip=2001:4860:4860::8888");
        await Expect(tab.CardAddress).ToHaveTextAsync("2001:4860:4860::8888");

        var copy = tab.Page.Locator("#ip-card button.copy");
        await copy.ClickAsync();

        await Expect(tab.Status).ToHaveTextAsync("Copied");
        await Expect(copy).ToHaveTextAsync("Copied");
        Assert.Equal("2001:4860:4860::8888", await tab.Page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
        Assert.Empty(tab.ConsoleErrors);
    }

    [BrowserFact]
    public async Task AtADesktopsSizeTheAddressPlaceNetworkAndIspAreAboveTheFold()
    {
        await using var tab = await site.OpenAsync(Look.DesktopLight);
        await tab.Page.SetViewportSizeAsync(1280, 800);

        await tab.Page.GotoAsync("/?ip=8.8.8.8");
        await Expect(tab.CardAddress).ToHaveTextAsync("8.8.8.8");

        foreach (var (name, selector) in new[]
        {
            ("address", "#ip-card .address"),
            ("place", "#ip-card .place"),
            ("ISP", "#ip-card .fact:has(dt:text-is('ISP')) dd"),
            ("AS", "#ip-card .fact:has(dt:text-is('AS')) dd"),
            ("prefix", "#ip-card .fact:has(dt:text-is('Network prefix')) dd"),
        })
        {
            var box = await tab.Page.Locator(selector).BoundingBoxAsync();
            Assert.True(box is not null && box.Y + box.Height <= 800, $"The {name} ends at {box?.Y + box?.Height}px, below the fold at 800px.");
        }

        // The map stands beside the facts, not between them and the address.
        var map = await tab.Page.Locator("svg.map").BoundingBoxAsync();
        var facts = await tab.Page.Locator("#ip-card .facts").BoundingBoxAsync();
        Assert.True(map!.X >= facts!.X + facts.Width, "The map is not beside the facts.");
        await tab.ScreenshotAsync("fold");
    }

    [BrowserFact]
    public async Task ASecondVisitAsksTheServerForThePageAloneEverythingElseComesFromTheCache()
    {
        await using var tab = await site.OpenAsync(Look.DesktopLight);
        await tab.GoHomeAsync();
        await tab.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var firstVisit = site.Requests.Count;

        // A second visit as a person makes it: the address typed into a new tab of the same browser.
        var second = await tab.Page.Context.NewPageAsync();
        await second.GotoAsync("/");
        await Expect(second.Locator("#ip-card .address")).ToHaveTextAsync(IpApiEmulator.ServerAddress);
        await second.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var secondVisit = site.Requests.Skip(firstVisit).ToList();

        // The stylesheet, scripts, map outline and favicon are fingerprinted and immutable: not even revalidated.
        Assert.Equal(["GET /"], secondVisit);
    }
}

