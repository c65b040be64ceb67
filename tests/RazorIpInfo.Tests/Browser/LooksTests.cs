using Microsoft.Playwright;
using RazorIpInfo.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace RazorIpInfo.Tests.Browser;

/// <summary>
/// Every state of the page in light and dark, on a phone and a desktop: nothing runs off the side,
/// nothing is reported to the console, and (with <c>SCREENSHOTS=1</c>, scripts/screenshots.sh) a screenshot of each
/// lands in the test output's screenshots/ folder for a person to look at.
/// </summary>
[Trait("Category", "Browser")]
public sealed class LooksTests(BrowserSite site) : IClassFixture<BrowserSite>
{
    /// <summary>A phone and a desktop; each state is seen in light and in dark on both.</summary>
    public static TheoryData<int> Widths => [390, 1280];

    private static async Task AssertFitsTheWindowAsync(BrowserTab tab, string state)
    {
        var overflow = await tab.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"{state}: the page is {overflow}px wider than the window.");
    }

    /// <summary>
    /// In light and in dark, checks the state fits, takes its screenshot, and has axe-core check it: every state on
    /// the phone, and on the desktop the first state and the errors. The desktop's other states are the phone's
    /// markup and colours at another width.
    /// </summary>
    private static Task CaptureAsync(BrowserTab tab, string state) => tab.InLightAndDarkAsync(async () =>
    {
        await AssertFitsTheWindowAsync(tab, state);
        await tab.ScreenshotAsync(state);
        if (tab.Look.Width < 600 || state is "visitor" or "bad-address" or "upstream-failed" or "not-found")
        {
            await tab.AssertAccessibleAsync(state);
        }
    });

    [BrowserTheory]
    [MemberData(nameof(Widths))]
    public async Task EveryStateFitsTheWindowInLightAndDark(int width)
    {
        await using var tab = await site.OpenAsync(new Look(Dark: false, width));
        var page = tab.Page;

        await tab.GrantClipboardAsync();
        await tab.GoHomeAsync();
        await CaptureAsync(tab, "visitor");

        // The skip link, shown when it has focus.
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.Locator(".skip-link")).ToBeFocusedAsync();
        await CaptureAsync(tab, "skip-link");
        await page.Keyboard.PressAsync("Enter");

        var release = new TaskCompletionSource();
        await page.RouteAsync(url => url.Contains("handler=Card", StringComparison.Ordinal), async route =>
        {
            await release.Task;
            await route.ContinueAsync();
        });
        await tab.RefreshButton.ClickAsync();
        await Expect(tab.RefreshButton).ToHaveAccessibleNameAsync("Loading…");
        await page.Mouse.MoveAsync(0, 0);
        await CaptureAsync(tab, "loading");
        release.SetResult();
        await Expect(tab.RefreshButton).ToHaveAccessibleNameAsync("Refresh");
        await page.UnrouteAllAsync();

        await tab.Field.FillAsync("2001:4860:4860::8888");
        await tab.Field.PressAsync("Enter");
        await Expect(tab.CardAddress).ToHaveTextAsync("2001:4860:4860::8888");
        await CaptureAsync(tab, "lookup-ipv6");

        await page.Locator("#ip-card button.copy").ClickAsync();
        await Expect(page.Locator("#ip-card button.copy")).ToHaveTextAsync("Copied");
        await CaptureAsync(tab, "copied");

        await tab.Field.FillAsync("192.168.1.1");
        await tab.Field.PressAsync("Enter");
        await Expect(tab.CardAddress).ToHaveTextAsync("192.168.1.1");
        await CaptureAsync(tab, "private-address");

        await tab.Field.FillAsync("not an address");
        await tab.Field.PressAsync("Enter");
        await Expect(page.Locator("#ip-error")).ToBeVisibleAsync();
        await CaptureAsync(tab, "bad-address");
        Assert.Empty(tab.ConsoleErrors);

        await tab.Field.FillAsync("8.8.8.8");
        await page.RouteAsync(url => url.Contains("handler=Card", StringComparison.Ordinal), route => route.AbortAsync("connectionrefused"));
        await tab.Field.PressAsync("Enter");
        await Expect(page.Locator("#request-error")).ToBeVisibleAsync();
        await CaptureAsync(tab, "network-error");
    }

    [BrowserTheory]
    [MemberData(nameof(Widths))]
    public async Task UpstreamFailureCardFitsTheWindowInLightAndDark(int width)
    {
        site.Upstream.Respond(UnansweredAddress, WireMock.ResponseBuilders.Response.Create().WithStatusCode(500));
        await using var tab = await site.OpenAsync(new Look(Dark: false, width));

        await tab.Page.GotoAsync("/?ip=" + UnansweredAddress);
        await Expect(tab.CardTitle).ToHaveTextAsync("The lookup failed");
        await CaptureAsync(tab, "upstream-failed");

        await tab.Page.GotoAsync("/?ip=8.8.8.8");
        await Expect(tab.CardAddress).ToHaveTextAsync("8.8.8.8");
        await CaptureAsync(tab, "full-page-lookup");

        site.Upstream.Answer("2001:4860:4860:1234:5678:9abc:def0:1234", IpApiEmulator.Samples.Anywhere("2001:4860:4860:1234:5678:9abc:def0:1234"));
        await tab.Page.GotoAsync("/?ip=2001:4860:4860:1234:5678:9abc:def0:1234&culture=de");
        await Expect(tab.CardAddress).ToHaveTextAsync("2001:4860:4860:1234:5678:9abc:def0:1234");
        await CaptureAsync(tab, "long-ipv6-german");

        await tab.Page.GotoAsync("/?ip=100.64.1.2");
        await Expect(tab.CardAddress).ToHaveTextAsync("100.64.1.2");
        await CaptureAsync(tab, "cgnat");

        await tab.Page.GotoAsync("/no-such-page");
        await Expect(tab.Page.Locator("h1")).ToHaveTextAsync("Page not found");
        await CaptureAsync(tab, "not-found");
        // The browser reports the 404 itself in the console; that is the state, not a fault.
        Assert.All(tab.ConsoleErrors, error => Assert.Contains("404", error, StringComparison.Ordinal));
        tab.ConsoleErrors.Clear();

        await tab.Page.GotoAsync("/AS15169");
        await Expect(tab.Page.Locator("h1")).ToHaveTextAsync("AS15169");
        await CaptureAsync(tab, "as-page");
        Assert.Empty(tab.ConsoleErrors);
    }

    /// <summary>The emulator answers this address with a server error, so the card explains the failure.</summary>
    private const string UnansweredAddress = "9.9.9.10";

    [BrowserFact]
    public async Task WithoutJavaScriptNothingDependsOnIt()
    {
        await using var tab = await site.OpenAsync(Look.PhoneDark, javaScript: false);

        await tab.Page.GotoAsync("/");
        await Expect(tab.CardAddress).ToHaveTextAsync(IpApiEmulator.ServerAddress);
        await Expect(tab.RefreshButton).ToHaveAccessibleNameAsync("Refresh");
        await Expect(tab.Page.Locator("#request-error")).ToBeHiddenAsync();
        await Expect(tab.Page.Locator("#ip-card button.copy")).ToBeHiddenAsync();
        await CaptureAsync(tab, "nojs-visitor");

        // Without script there is no Copy button, and one tap on the address selects all of it.
        await tab.CardAddress.ClickAsync();
        Assert.Equal(IpApiEmulator.ServerAddress, await tab.Page.EvaluateAsync<string>("() => window.getSelection().toString()"));
        await CaptureAsync(tab, "nojs-selected");
        Assert.Empty(tab.ConsoleErrors);
    }
}
