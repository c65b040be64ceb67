using RazorIpInfo.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace RazorIpInfo.Tests.Browser;

/// <summary>
/// A network typed into the lookup field, in Chromium: swapped in by htmx with the page kept, or through a full
/// page load without JavaScript, in the language chosen, at a phone's and a desktop's size, light and dark.
/// </summary>
[Trait("Category", "Browser")]
public sealed class NetworkBrowserTests(BrowserSite site) : IClassFixture<BrowserSite>
{
    /// <summary>
    /// Each width once, one in each scheme: where the card lands and where focus goes depend on the width, not on the
    /// colour scheme, which <see cref="LooksTests"/> covers for every state at both widths.
    /// </summary>
    public static TheoryData<bool, int> Looks => new() { { true, 390 }, { false, 1280 } };

    [BrowserTheory]
    [MemberData(nameof(Looks))]
    public async Task ANetworkLookedUpWithJavaScriptSwapsInItsCardInViewWithFocusOnIt(bool dark, int width)
    {
        await using var tab = await site.OpenAsync(new Look(dark, width));
        var page = tab.Page;
        await tab.GoHomeAsync();
        await tab.TagAsync("h1");

        await tab.Field.FillAsync("8.8.8.8/24");
        await tab.Field.PressAsync("Enter");

        await tab.WaitForPathAsync("/?ip=8.8.8.0%2F24");
        await Expect(tab.CardAddress).ToHaveTextAsync("8.8.8.0/24");
        await Expect(tab.CardTitle).ToBeFocusedAsync();
        await Expect(tab.Status).ToHaveTextAsync("8.8.8.0/24");
        await Expect(tab.Card.Locator(".host-bits")).ToBeVisibleAsync();
        await Expect(tab.Card.Locator(".fact a[href='/AS15169']")).ToHaveTextAsync("AS15169 · Google LLC");
        Assert.True(await tab.IsSameNodeAsync("h1"), "The page reloaded instead of swapping the card.");
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "The network card is wider than the window.");
        await tab.AssertAccessibleAsync("network");
        await tab.ScreenshotAsync("network");

        // Many announcements: a count, and a bounded table that scrolls inside its box rather than widening the page.
        await tab.Field.FillAsync("45.0.0.0/16");
        await tab.Field.PressAsync("Enter");
        await tab.WaitForPathAsync("/?ip=45.0.0.0%2F16");
        await Expect(tab.Card.Locator("table tbody tr")).ToHaveCountAsync(20);
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "The table widens the page.");
        await tab.AssertAccessibleAsync("network-many");
        await tab.ScreenshotAsync("network-many");

        // An IPv6 network that nobody announces, named for what it is.
        await tab.Field.FillAsync("2001:db8::/32");
        await tab.Field.PressAsync("Enter");
        await tab.WaitForPathAsync("/?ip=2001%3Adb8%3A%3A%2F32");
        await Expect(tab.Card.Locator(".scope")).ToContainTextAsync("documentation");
        await tab.AssertAccessibleAsync("network-documentation");
        await tab.ScreenshotAsync("network-documentation");
        Assert.Empty(tab.ConsoleErrors);
    }

    [BrowserTheory]
    [InlineData(false, 390)]
    [InlineData(true, 1280)]
    public async Task WithoutJavaScriptANetworkIsAFullPageAndTheLanguageStays(bool dark, int width)
    {
        await using var tab = await site.OpenAsync(new Look(dark, width), javaScript: false);
        var page = tab.Page;
        await page.GotoAsync("/?culture=de");

        await tab.Field.FillAsync("2001:4860::/32");
        await tab.Field.PressAsync("Enter");

        await tab.WaitForPathAsync("/?culture=de&ip=2001%3A4860%3A%3A%2F32");
        await Expect(tab.CardAddress).ToHaveTextAsync("2001:4860::/32");
        await Expect(tab.Card.Locator(".fact:has(dt:text-is('Erste Adresse')) dd")).ToHaveTextAsync("2001:4860::");
        await Expect(tab.Card.Locator(".fact:has(dt:text-is('Adressen')) dd")).ToHaveTextAsync("2^96");
        await tab.ScreenshotAsync("network-nojs-de");
        Assert.Empty(tab.ConsoleErrors);

        // A malformed network: a 400 page (the browser logs its status) saying how to write one, beside the field, in the same language.
        await tab.Field.FillAsync("8.8.8.0/33");
        await tab.Field.PressAsync("Enter");
        await Expect(page.Locator("#ip-error")).ToContainTextAsync("Das ist kein Netz");
        await tab.ScreenshotAsync("network-nojs-invalid");
        Assert.All(tab.ConsoleErrors, error => Assert.Contains("status of 400", error, StringComparison.Ordinal));
    }
}
