using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace RazorIpInfo.Tests.Browser;

/// <summary>The bulk page in Chromium: a whole-page form post without JavaScript; with htmx, only the result region changes.</summary>
[Trait("Category", "Browser")]
public sealed class BulkBrowserTests(BrowserSite site) : IClassFixture<BrowserSite>
{
    private const string Log = """
        8.8.8.8 - - [25/Nov/2026:09:00:00 +0000] "GET / HTTP/1.1" 200 512 "-" "Mozilla/5.0"
        [2001:4860:4860::8888]:443 - - [25/Nov/2026:09:00:01 +0000] "GET /feed HTTP/2" 200 1024
        31.0.0.2, 31.0.1.2, 31.0.2.2, 31.0.3.2
        192.168.1.20 999.1.1.1 192.0.2.1
        """;

    private static ILocator Rows(IPage page) => page.Locator("#bulk-table tbody tr");

    [BrowserFact]
    public async Task WithoutJavaScriptTheFormPostsAndThePageAnswersWithTheWholeResult()
    {
        await using var tab = await site.OpenAsync(Look.DesktopLight, javaScript: false);
        var page = tab.Page;

        await page.GotoAsync("/bulk");
        await page.Locator("#bulk-text").FillAsync(Log);
        await page.Locator("#bulk-submit").ClickAsync();

        await Expect(Rows(page)).ToHaveCountAsync(9, new() { Timeout = 20_000 });
        await Expect(page.Locator("#bulk-summary")).ToContainTextAsync("United States");
        await Expect(Rows(page).Nth(6)).ToContainTextAsync("192.168.1.20");
        Assert.Equal("/bulk", new Uri(page.Url).AbsolutePath);
        await tab.ScreenshotAsync("bulk-nojs");
        await tab.AssertAccessibleAsync("bulk-nojs");
        Assert.Empty(tab.ConsoleErrors);
    }

    [BrowserFact]
    public async Task WithHtmxOnlyTheResultRegionIsReplacedAndIsBusyMeanwhile()
    {
        await using var tab = await site.OpenAsync(Look.DesktopLight);
        var page = tab.Page;
        await page.GotoAsync("/bulk");
        await tab.TagAsync("#bulk-form");
        await tab.TagAsync("#bulk-result");

        var release = new TaskCompletionSource();
        await page.RouteAsync("**/bulk", async route =>
        {
            if (route.Request.Method == "POST")
            {
                await release.Task;
            }

            await route.ContinueAsync();
        });
        await page.Locator("#bulk-text").FillAsync(Log.Replace("31.0.", "32.0.", StringComparison.Ordinal));
        await page.Locator("#bulk-submit").ClickAsync();

        await Expect(page.Locator("#bulk-result")).ToHaveAttributeAsync("aria-busy", "true");
        await Expect(page.Locator(".bulk-progress")).ToBeVisibleAsync();
        await Expect(page.Locator("#bulk-submit")).ToBeDisabledAsync();
        await tab.ScreenshotAsync("bulk-loading");
        release.SetResult();

        await Expect(Rows(page)).ToHaveCountAsync(9, new() { Timeout = 20_000 });
        await Expect(page.Locator("#bulk-result")).Not.ToHaveAttributeAsync("aria-busy", "true");
        await Expect(page.Locator(".bulk-progress")).ToBeHiddenAsync();
        Assert.True(await tab.IsSameNodeAsync("#bulk-form"), "The form was replaced; only the result region should be.");
        Assert.True(await tab.IsSameNodeAsync("#bulk-result"), "The live region was replaced; only its content should be.");
        Assert.Contains("32.0.0.2", await page.Locator("#bulk-text").InputValueAsync(), StringComparison.Ordinal);
        Assert.Empty(tab.ConsoleErrors);
    }

    public static TheoryData<bool, int> Looks => LooksTests.Looks;

    [BrowserTheory]
    [MemberData(nameof(Looks))]
    public async Task TheResultFitsTheWindowInLightAndDark(bool dark, int width)
    {
        var look = new Look(dark, width);
        await using var tab = await site.OpenAsync(look);
        var page = tab.Page;

        await page.GotoAsync("/bulk");
        await tab.ScreenshotAsync("bulk-empty");
        await tab.AssertAccessibleAsync("bulk-empty");
        await page.Locator("#bulk-text").FillAsync(Log);
        await page.Locator("#bulk-submit").ClickAsync();
        await Expect(Rows(page)).ToHaveCountAsync(9, new() { Timeout = 20_000 });
        await page.Mouse.MoveAsync(0, 0);

        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"The page is {overflow}px wider than the window.");
        if (width >= 1280)
        {
            // Every column readable without scrolling the table sideways.
            var hidden = await page.EvalOnSelectorAsync<int>(".table-scroll", "box => box.scrollWidth - box.clientWidth");
            Assert.True(hidden <= 0, $"The table is {hidden}px wider than its box: some columns are off to the side.");
        }

        await tab.ScreenshotAsync("bulk-result");
        await tab.AssertAccessibleAsync("bulk-result");

        await page.Locator("#bulk-text").FillAsync("nothing to see here");
        await page.Locator("#bulk-submit").ClickAsync();
        await Expect(page.Locator("#bulk-error")).ToBeVisibleAsync();
        await Expect(page.Locator("#bulk-text")).ToHaveAccessibleDescriptionAsync(new System.Text.RegularExpressions.Regex("^" + System.Text.RegularExpressions.Regex.Escape(await page.Locator("#bulk-error").InnerTextAsync())));
        await tab.ScreenshotAsync("bulk-error");
        await tab.AssertAccessibleAsync("bulk-error");
        Assert.Empty(tab.ConsoleErrors);
    }
}
