using Microsoft.Playwright;
using RazorIpInfo.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace RazorIpInfo.Tests.Browser;

/// <summary>
/// The card's map in Chromium under the strict Content-Security-Policy: the land and the country load and
/// are drawn, the marker moves with a lookup, the facts come before it, and the browser asks no other host
/// for anything. With <c>SCREENSHOTS=1</c>, screenshots land in screenshots/ as map-*.png.
/// </summary>
[Trait("Category", "Browser")]
public sealed class MapTests(BrowserSite site) : IClassFixture<BrowserSite>
{
    /// <summary>
    /// Each width once, one in each scheme: the width decides where the map goes, the colour scheme only repaints it,
    /// and <see cref="LooksTests"/> shows the card with its map in both schemes at both widths.
    /// </summary>
    public static TheoryData<bool, int> Looks => new()
    {
        { false, 1280 },
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
        await AssertDrawnAsync(page, "gb");
        await Expect(page.Locator("svg.map circle")).ToHaveAttributeAsync("cx", "179.9");
        await Expect(page.Locator("svg.map circle")).ToHaveAttributeAsync("cy", "38.5");
        await AssertMapFitsTheCardAsync(page);
        await tab.ScreenshotAsync("map-visitor", tab.Card);

        await tab.Field.FillAsync("2001:4860:4860::8888");
        await tab.Field.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Img, new() { Name = "Map: marker near Mountain View, United States" })).ToBeVisibleAsync();
        await Expect(page.Locator("svg.map circle")).ToHaveAttributeAsync("cx", "57.9");
        await AssertDrawnAsync(page, "us");
        await tab.ScreenshotAsync("map-lookup", tab.Card);

        Assert.Contains(requested, url => url.Contains("/img/land/", StringComparison.Ordinal));
        Assert.Contains(requested, url => url.Contains("/img/countries/", StringComparison.Ordinal));
        Assert.All(requested, url => Assert.Equal(site.BaseUrl.Authority, new Uri(url).Authority));
        Assert.True(tab.ConsoleErrors.Count == 0, string.Join("\n", tab.ConsoleErrors));
    }

    [BrowserFact]
    public async Task WithoutJavaScriptTheMapIsThere()
    {
        await using var tab = await site.OpenAsync(Look.PhoneDark, javaScript: false);

        await tab.Page.GotoAsync("/?ip=8.8.8.8");

        await Expect(tab.Page.GetByRole(AriaRole.Img, new() { Name = "Map: marker near Ashburn, United States" })).ToBeVisibleAsync();
        await AssertDrawnAsync(tab.Page, "us");
        Assert.Empty(tab.ConsoleErrors);
    }

    /// <summary>Places in several countries, two of them beside the antimeridian; each answered by the emulator for its own address.</summary>
    private static readonly (string Address, string Name, object Answer)[] Places =
    [
        ("12.0.0.1", "us", Place("12.0.0.1", "Denver", "Colorado", "United States", "US", 39.74, -104.99, "America/Denver")),
        ("5.9.0.1", "de", Place("5.9.0.1", "Berlin", "Land Berlin", "Germany", "DE", 52.52, 13.40, "Europe/Berlin")),
        ("1.0.16.1", "jp", Place("1.0.16.1", "Tokyo", "Tokyo", "Japan", "JP", 35.69, 139.69, "Asia/Tokyo")),
        ("177.0.0.1", "br", Place("177.0.0.1", "São Paulo", "São Paulo", "Brazil", "BR", -23.55, -46.63, "America/Sao_Paulo")),
        ("46.11.0.1", "mt", Place("46.11.0.1", "Mosta", "Il-Mosta", "Malta", "MT", 35.91, 14.42, "Europe/Malta")),
        ("202.62.0.1", "fj", Place("202.62.0.1", "Suva", "Central", "Fiji", "FJ", -18.14, 178.44, "Pacific/Fiji")),
        ("95.0.0.1", "ru", Place("95.0.0.1", "Lavrentiya", "Chukotka", "Russia", "RU", 65.58, -170.99, "Asia/Anadyr")),
        ("80.0.0.1", "coarse", new { status = "success", query = "80.0.0.1", country = "France", countryCode = "FR", lat = 48.86, lon = 2.35, isp = "Example ISP", @as = "AS64496 Example" }),
    ];

    private static object Place(string address, string city, string region, string country, string code, double lat, double lon, string timezone) => new
    {
        status = "success", query = address, city, regionName = region, country, countryCode = code, lat, lon, timezone,
        isp = "Example Networks", org = "Example Networks", @as = "AS64496 Example Networks", mobile = false, proxy = false, hosting = false,
    };

    /// <summary>
    /// Each place's card at 1280×800 (light) and 390×844 (dark): the address, place, network and ISP above
    /// the fold and the map beside them on the desktop; under them on the phone, no higher than a quarter of
    /// the screen; the map drawn (land and country loaded); axe-core finds nothing on a regional map and on the
    /// world map. Screenshots map-{place}-*.png.
    /// </summary>
    [BrowserTheory]
    [MemberData(nameof(Looks))]
    public async Task EachPlacesMapIsDrawnBesideOrUnderTheFactsWhichComeFirst(bool dark, int width)
    {
        var look = new Look(dark, width);
        await using var tab = await site.OpenAsync(look);
        var page = tab.Page;
        var height = width < 600 ? 844 : 800;
        await page.SetViewportSizeAsync(width, height);
        var requested = new List<string>();
        page.Request += (_, request) => requested.Add(request.Url);

        foreach (var (address, name, answer) in Places)
        {
            site.Upstream.Answer(address, answer);
            await page.GotoAsync("/?ip=" + address);
            await Expect(tab.CardAddress).ToHaveTextAsync(address);
            await AssertDrawnAsync(page, name == "coarse" ? "fr" : name);
            Assert.Equal(name == "coarse" ? "map map-world" : "map map-region", await page.Locator("svg.map").GetAttributeAsync("class"));

            foreach (var (fact, selector) in new[]
            {
                ("address", "#ip-card .address"),
                ("place", "#ip-card .place"),
                ("ISP", "#ip-card .fact:has(dt:text-is('ISP')) dd"),
                ("AS", "#ip-card .fact:has(dt:text-is('AS')) dd"),
            })
            {
                var box = await page.Locator(selector).BoundingBoxAsync();
                Assert.True(box is not null && box.Y + box.Height <= height, $"{name}-{look}: the {fact} ends at {box?.Y + box?.Height}px, below the fold at {height}px.");
            }

            var map = (await page.Locator("svg.map").BoundingBoxAsync())!;
            var facts = (await page.Locator("#ip-card .facts").BoundingBoxAsync())!;
            if (width >= 1280)
            {
                Assert.True(map.X >= facts.X + facts.Width, $"{name}-{look}: the map is not beside the facts.");
                Assert.True(map.Y + map.Height <= height, $"{name}-{look}: the map ends below the fold.");
            }
            else
            {
                Assert.True(map.Y >= facts.Y + facts.Height, $"{name}-{look}: the map is not under the facts.");
                Assert.True(map.Height <= height / 4.0, $"{name}-{look}: the map is {map.Height}px high on a {height}px screen.");
            }

            // The places differ in data, not in markup, except the coarse one's world map: axe-core checks the
            // first place and that one in each look, not the same markup eight times.
            if (address == Places[0].Address || name == "coarse")
            {
                await tab.AssertAccessibleAsync($"map-{name}");
            }
            await tab.ScreenshotAsync($"map-{name}", fullPage: false);
        }

        Assert.All(requested, url => Assert.Equal(site.BaseUrl.Authority, new Uri(url).Authority));
        Assert.True(tab.ConsoleErrors.Count == 0, string.Join("\n", tab.ConsoleErrors));
    }

    /// <summary>
    /// The land and the country are external &lt;use&gt;s: had the policy (img-src) or a wrong URL stopped
    /// one, the map would be an empty box with a marker, and the console would say why. Each is drawn once
    /// its file has loaded; the country's is the one named.
    /// </summary>
    private static async Task AssertDrawnAsync(IPage page, string country)
    {
        await page.WaitForFunctionAsync("() => { const uses = [...document.querySelectorAll('svg.map use')]; return uses.length > 1 && uses.every(use => use.getBBox().width > 0); }");
        var href = await page.Locator("svg.map use.country").First.GetAttributeAsync("href");
        Assert.Matches($@"/img/countries/{country}\.\w+\.svg#country$", href);
    }

    private static async Task AssertMapFitsTheCardAsync(IPage page)
    {
        var sizes = await page.EvalOnSelectorAsync<double[]>("svg.map", "map => { const m = map.getBoundingClientRect(), c = map.closest('.card').getBoundingClientRect(); return [m.left, m.right, c.left, c.right, m.width, m.height]; }");
        Assert.True(sizes[0] >= sizes[2] && sizes[1] <= sizes[3], "The map sticks out of the card.");
        Assert.InRange(sizes[4] / sizes[5], 1.95, 2.05);
    }
}
