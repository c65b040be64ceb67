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

    /// <summary>Pastes the log into the bulk form, sends it, and waits for its nine rows.</summary>
    private static async Task LookUpTheLogAsync(IPage page)
    {
        await page.Locator("#bulk-text").FillAsync(Log);
        await page.Locator("#bulk-submit").ClickAsync();
        await Expect(Rows(page)).ToHaveCountAsync(9, new() { Timeout = 20_000 });
    }

    [BrowserFact]
    public async Task WithoutJavaScriptTheFormPostsAndThePageAnswersWithTheWholeResult()
    {
        await using var tab = await site.OpenAsync(Look.DesktopLight, javaScript: false);
        var page = tab.Page;

        await page.GotoAsync("/bulk");
        await LookUpTheLogAsync(page);
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

    public static TheoryData<int> Widths => LooksTests.Widths;

    /// <summary>The state's screenshot and axe-core's check, in light and in dark; the layout is the same in both.</summary>
    private static Task CaptureAsync(BrowserTab tab, string state) => tab.InLightAndDarkAsync(async () =>
    {
        await tab.ScreenshotAsync(state);
        await tab.AssertAccessibleAsync(state);
    });

    [BrowserTheory]
    [MemberData(nameof(Widths))]
    public async Task TheResultFitsTheWindowInLightAndDark(int width)
    {
        await using var tab = await site.OpenAsync(new Look(Dark: false, width));
        var page = tab.Page;

        await page.GotoAsync("/bulk");
        await CaptureAsync(tab, "bulk-empty");
        await LookUpTheLogAsync(page);
        await page.Mouse.MoveAsync(0, 0);

        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"The page is {overflow}px wider than the window.");
        if (width >= 1280)
        {
            // Every column readable without scrolling the table sideways.
            var hidden = await page.EvalOnSelectorAsync<int>(".table-scroll", "box => box.scrollWidth - box.clientWidth");
            Assert.True(hidden <= 0, $"The table is {hidden}px wider than its box: some columns are off to the side.");
            var tableHidden = await page.EvalOnSelectorAsync<int>("#bulk-table", "table => table.scrollWidth - table.clientWidth");
            Assert.True(tableHidden <= 0, $"The table is {tableHidden}px wider than itself shows.");
            Assert.Equal(8, await page.Locator("#bulk-table thead th").CountAsync());
            var rightmost = await page.EvalOnSelectorAsync<double>("#bulk-table thead th:last-child", "th => th.getBoundingClientRect().right");
            Assert.True(rightmost <= width, $"The last column ends at {rightmost}px, past the {width}px window.");
        }
        else
        {
            // A phone: each row is a block of labelled lines, not a row of a table wider than the screen.
            Assert.Equal("block", await Rows(page).First.EvaluateAsync<string>("tr => getComputedStyle(tr).display"));
            Assert.Equal("\"Country\"", await page.Locator("#bulk-table tbody td[data-label]").First.EvaluateAsync<string>("td => getComputedStyle(td, '::before').content"));
            var widest = await Rows(page).EvaluateAllAsync<double>("rows => Math.max(...rows.map(r => r.getBoundingClientRect().right))");
            Assert.True(widest <= width, $"A row ends at {widest}px, past the {width}px screen.");
        }

        // Touch targets of at least 44 px: the sort and filter controls, the counts and the rows' links.
        var small = await page.EvaluateAsync<string[]>(
            "() => [...document.querySelectorAll('#bulk-result button, #bulk-result select, #bulk-table a')]" +
            ".filter(e => e.getBoundingClientRect().height < 44).map(e => e.outerHTML.slice(0, 80))");
        Assert.True(small.Length == 0, "Smaller than 44 px: " + string.Join(" | ", small));

        await CaptureAsync(tab, "bulk-result");

        await page.Locator("#bulk-text").FillAsync("nothing to see here");
        await page.Locator("#bulk-submit").ClickAsync();
        await Expect(page.Locator("#bulk-error")).ToBeVisibleAsync();
        await Expect(page.Locator("#bulk-text")).ToHaveAccessibleDescriptionAsync(new System.Text.RegularExpressions.Regex("^" + System.Text.RegularExpressions.Regex.Escape(await page.Locator("#bulk-error").InnerTextAsync())));
        await CaptureAsync(tab, "bulk-error");
        Assert.Empty(tab.ConsoleErrors);
    }

    private static ILocator SortButton(IPage page, string column) => page.Locator($"#bulk-sort-{column}");

    private static Task<IReadOnlyList<string>> AddressesAsync(IPage page) =>
        page.Locator("#bulk-table tbody tr th").AllInnerTextsAsync();

    [BrowserFact]
    public async Task WithoutJavaScriptTheTableSortsAndFiltersByPostingTheResultBack()
    {
        await using var tab = await site.OpenAsync(Look.DesktopLight, javaScript: false);
        var page = tab.Page;
        await page.GotoAsync("/bulk");
        await LookUpTheLogAsync(page);

        await SortButton(page, "address").ClickAsync();
        await Expect(page.Locator("#bulk-table th:has(#bulk-sort-address)")).ToHaveAttributeAsync("aria-sort", "ascending", new() { Timeout = 20_000 });
        Assert.Equal(["8.8.8.8", "31.0.0.2", "31.0.1.2", "31.0.2.2", "31.0.3.2", "192.0.2.1", "192.168.1.20", "2001:4860:4860::8888", "999.1.1.1"],
            await AddressesAsync(page));
        await SortButton(page, "address").ClickAsync();
        await Expect(page.Locator("#bulk-table th:has(#bulk-sort-address)")).ToHaveAttributeAsync("aria-sort", "descending", new() { Timeout = 20_000 });
        await tab.ScreenshotAsync("bulk-sorted-nojs");

        await page.Locator("#bulk-filter-outcome").SelectOptionAsync("found");
        await page.Locator("#bulk-filter-apply").ClickAsync();
        await Expect(Rows(page)).ToHaveCountAsync(6, new() { Timeout = 20_000 });
        await Expect(page.Locator("#bulk-table th:has(#bulk-sort-address)")).ToHaveAttributeAsync("aria-sort", "descending");
        await Expect(page.Locator(".bulk-shown")).ToContainTextAsync("6 of 9 entries shown");
        await tab.ScreenshotAsync("bulk-filtered-nojs");

        await page.Locator(".bulk-totals button", new() { HasText = "Not an address" }).ClickAsync();
        await Expect(Rows(page)).ToHaveCountAsync(1, new() { Timeout = 20_000 });
        await Expect(Rows(page).First).ToContainTextAsync("999.1.1.1");
        Assert.Equal("/bulk", new Uri(page.Url).AbsolutePath);
        Assert.Empty(tab.ConsoleErrors);
    }

    [BrowserFact]
    public async Task WithHtmxTheTableSortsAndFiltersInPlaceAndSaysSoInOneLine()
    {
        await using var tab = await site.OpenAsync(Look.DesktopLight);
        var page = tab.Page;
        await page.GotoAsync("/bulk");
        // Enough rows to scroll past the header.
        await page.Locator("#bulk-text").FillAsync(Log + "\n" + string.Join('\n', Enumerable.Range(0, 60).Select(i => $"33.0.{i}.2")));
        await page.Locator("#bulk-submit").ClickAsync();
        await Expect(Rows(page)).ToHaveCountAsync(69, new() { Timeout = 20_000 });
        await tab.TagAsync("#bulk-summary");
        await tab.TagAsync("#bulk-form");

        await SortButton(page, "country").ClickAsync();
        await Expect(page.Locator("#bulk-table th:has(#bulk-sort-country)")).ToHaveAttributeAsync("aria-sort", "ascending", new() { Timeout = 20_000 });
        await Expect(SortButton(page, "country")).ToBeFocusedAsync();
        await Expect(page.Locator("#bulk-status")).ToHaveTextAsync("69 of 69 entries shown");
        var countries = await page.Locator("#bulk-table tbody tr:not([class]) td:nth-of-type(1)").AllInnerTextsAsync();
        Assert.Equal(countries.Order(StringComparer.Create(System.Globalization.CultureInfo.GetCultureInfo("en"), true)), countries);
        Assert.True(await tab.IsSameNodeAsync("#bulk-summary"), "The summary was replaced; only the table should be.");
        Assert.True(await tab.IsSameNodeAsync("#bulk-form"), "The form was replaced; only the table should be.");

        // The header stays in view while the rows scroll under it.
        await page.EvaluateAsync("() => window.scrollTo(0, document.querySelector('#bulk-table tbody').getBoundingClientRect().top + window.scrollY + 800)");
        var headerTop = await page.EvalOnSelectorAsync<double>("#bulk-table thead th", "th => th.getBoundingClientRect().top");
        Assert.InRange(headerTop, -1, 1);
        await tab.ScreenshotAsync("bulk-sticky-header");

        await page.Locator("#bulk-filter-flag").SelectOptionAsync("mobile");
        await page.Locator("#bulk-filter-apply").ClickAsync();
        await Expect(page.Locator(".bulk-shown")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        Assert.All(await page.Locator("#bulk-table tbody tr td:nth-of-type(6)").AllInnerTextsAsync(), flags => Assert.Contains("Mobile", flags, StringComparison.Ordinal));
        await Expect(page.Locator("#bulk-table th:has(#bulk-sort-country)")).ToHaveAttributeAsync("aria-sort", "ascending");
        await tab.AssertAccessibleAsync("bulk-filtered");

        await page.Locator(".bulk-totals button", new() { HasText = "Private or local" }).ClickAsync();
        await Expect(Rows(page)).ToHaveCountAsync(1, new() { Timeout = 20_000 });
        await Expect(page.Locator("#bulk-status")).ToHaveTextAsync("1 of 69 entries shown");
        await Expect(page.Locator("#bulk-filter-flag")).ToHaveValueAsync("");
        await tab.ScreenshotAsync("bulk-filtered");
        Assert.True(await tab.IsSameNodeAsync("#bulk-summary"));
        Assert.Empty(tab.ConsoleErrors);
    }

    public static TheoryData<bool, int, bool> GermanLooks => new()
    {
        { false, 1280, true },
        { true, 390, true },
        { true, 1280, false },
        { false, 390, false },
    };

    [BrowserTheory]
    [MemberData(nameof(GermanLooks))]
    public async Task InGermanTheTableAndItsControlsFitAndAreTranslated(bool dark, int width, bool javaScript)
    {
        var look = new Look(dark, width);
        await using var tab = await site.OpenAsync(look, javaScript);
        var page = tab.Page;
        await page.GotoAsync("/bulk?culture=de");
        await LookUpTheLogAsync(page);

        await SortButton(page, "city").ClickAsync();
        await Expect(page.Locator("#bulk-table th:has(#bulk-sort-city)")).ToHaveAttributeAsync("aria-sort", "ascending", new() { Timeout = 20_000 });
        await Expect(page.Locator(".bulk-filter legend")).ToHaveTextAsync("Zeilen filtern");
        await Expect(page.Locator("#bulk-table caption")).ToHaveTextAsync("Sortiert nach Stadt");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "de");
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"The page is {overflow}px wider than the window.");
        await tab.ScreenshotAsync($"bulk-de-{(javaScript ? "js" : "nojs")}");
        await tab.AssertAccessibleAsync("bulk-de");
        Assert.Empty(tab.ConsoleErrors);
    }
}
