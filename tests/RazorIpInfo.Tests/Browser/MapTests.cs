using Microsoft.Playwright;
using RazorIpInfo.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace RazorIpInfo.Tests.Browser;

/// <summary>
/// The card's map in Chromium under the strict Content-Security-Policy: the outline loads and is drawn,
/// the marker moves with a lookup, and the browser asks no other host for anything. Screenshots of
/// the card land in screenshots/ as map-*.png.
/// </summary>
[Trait("Category", "Browser")]
public sealed class MapTests(BrowserSite site) : IClassFixture<BrowserSite>
{
    public static TheoryData<bool, int> Looks => new()
    {
        { false, 1280 },
        { true, 1280 },
        { false, 390 },
        { true, 390 },
    };

    [BrowserTheory]
    [MemberData(nameof(Looks))]
    public async Task TheMapIsDrawnFromThisSiteAloneAndFollowsALookup(bool dark, int width)
    {
        var look = new Look(dark, width);
        await using var tab = await site.OpenAsync(look);
        var page = tab.Page;
        var requested = new List<string>();
        page.Request += (_, request) => requested.Add(request.Url);

        await page.GotoAsync("/");
        var map = page.GetByRole(AriaRole.Img, new() { Name = "Map: marker near London, United Kingdom" });
        await Expect(map).ToBeVisibleAsync();
        await AssertOutlineDrawnAsync(page);
        await Expect(page.Locator("svg.map circle")).ToHaveAttributeAsync("cx", "179.9");
        await Expect(page.Locator("svg.map circle")).ToHaveAttributeAsync("cy", "38.5");
        await AssertMapFitsTheCardAsync(page);
        await tab.Card.ScreenshotAsync(new LocatorScreenshotOptions
        {
            Path = Path.Combine(BrowserSite.ScreenshotFolder, $"map-visitor-{look}.png"),
            Caret = ScreenshotCaret.Initial, // hiding it injects a <style>, which the policy refuses
        });

        await tab.Field.FillAsync("2001:4860:4860::8888");
        await tab.Field.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Img, new() { Name = "Map: marker near Mountain View, United States" })).ToBeVisibleAsync();
        await Expect(page.Locator("svg.map circle")).ToHaveAttributeAsync("cx", "57.9");
        await AssertOutlineDrawnAsync(page);
        await tab.Card.ScreenshotAsync(new LocatorScreenshotOptions
        {
            Path = Path.Combine(BrowserSite.ScreenshotFolder, $"map-lookup-{look}.png"),
            Caret = ScreenshotCaret.Initial, // hiding it injects a <style>, which the policy refuses
        });

        Assert.Contains(requested, url => url.Contains("/img/world.", StringComparison.Ordinal));
        Assert.All(requested, url => Assert.Equal(site.BaseUrl.Authority, new Uri(url).Authority));
        Assert.True(tab.ConsoleErrors.Count == 0, string.Join("\n", tab.ConsoleErrors));
    }

    [BrowserFact]
    public async Task WithoutJavaScriptTheMapIsThere()
    {
        await using var tab = await site.OpenAsync(Look.PhoneDark, javaScript: false);

        await tab.Page.GotoAsync("/?ip=8.8.8.8");

        await Expect(tab.Page.GetByRole(AriaRole.Img, new() { Name = "Map: marker near Ashburn, United States" })).ToBeVisibleAsync();
        await AssertOutlineDrawnAsync(tab.Page);
        Assert.Empty(tab.ConsoleErrors);
    }

    /// <summary>
    /// The outline is an external &lt;use&gt;: had the policy (img-src) or a wrong URL stopped it,
    /// the map would be an empty box with a marker, and the console would say why.
    /// </summary>
    private static async Task AssertOutlineDrawnAsync(IPage page)
    {
        await page.WaitForFunctionAsync("() => { const use = document.querySelector('svg.map use'); return use && use.getBBox().width > 300; }");
        var box = await page.EvalOnSelectorAsync<double[]>("svg.map use", "use => { const b = use.getBBox(); return [b.x, b.y, b.width, b.height]; }");
        Assert.InRange(box[0], 0, 5);
        Assert.InRange(box[2], 340, 360);
        Assert.InRange(box[3], 150, 180);
    }

    private static async Task AssertMapFitsTheCardAsync(IPage page)
    {
        var sizes = await page.EvalOnSelectorAsync<double[]>("svg.map", "map => { const m = map.getBoundingClientRect(), c = map.closest('.card').getBoundingClientRect(); return [m.left, m.right, c.left, c.right, m.width, m.height]; }");
        Assert.True(sizes[0] >= sizes[2] && sizes[1] <= sizes[3], "The map sticks out of the card.");
        Assert.InRange(sizes[4] / sizes[5], 1.95, 2.05);
    }
}
