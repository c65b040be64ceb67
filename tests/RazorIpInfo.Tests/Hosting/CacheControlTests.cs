using System.Net;
using RazorIpInfo.Tests.Infrastructure;

namespace RazorIpInfo.Tests.Hosting;

/// <summary>
/// What browsers and shared caches may keep: the fingerprinted CSS and JS for a year, untouched on repeat
/// visits; the per-visitor answers for that visitor's browser only, asked again each time. Each answer
/// carries exactly one Cache-Control header, never the site's beside an asset's own.
/// </summary>
public sealed class CacheControlTests(SharedSite site) : IClassFixture<SharedSite>
{
    [Fact]
    public async Task FingerprintedAssetsAreImmutableForAYearAndNothingElse()
    {
        var page = await site.Client.GetDocumentAsync("/");
        var assets = page.QuerySelectorAll("link[rel=stylesheet][href], script[src]")
            .Select(e => e.GetAttribute("href") ?? e.GetAttribute("src")!)
            .Where(url => url.StartsWith('/'))
            .ToList();
        Assert.NotEmpty(assets);

        foreach (var asset in assets)
        {
            Assert.Equal("max-age=31536000, immutable", await CacheControlOfAsync(asset));
        }
    }

    [Fact]
    public async Task TheFaviconIsLinkedFingerprintedAndItsOneCacheControlIsImmutable()
    {
        var page = await site.Client.GetDocumentAsync("/");
        var icon = page.QuerySelector("link[rel=icon]")?.GetAttribute("href");

        Assert.NotNull(icon);
        Assert.Matches(@"^/favicon\.[a-z0-9]+\.svg$", icon);
        var cacheControl = await CacheControlOfAsync(icon);
        Assert.Contains("immutable", cacheControl, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> Answers => new()
    {
        { "/", "private, no-cache" },
        { "/api/ip-info/8.8.8.8", "private, no-cache" },
        { "/api/no-such-endpoint", "private, no-cache" },
        { "/ip", "private, no-cache" },
        // The error page chooses its own, stricter caching: none at all.
        { "/no-such-page", "no-store,no-cache" },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task PagesAndApiAnswersArePrivateAndRevalidated(string url, string expected) =>
        Assert.Equal(expected, await CacheControlOfAsync(url));

    private async Task<string?> CacheControlOfAsync(string url)
    {
        using var response = await site.Client.GetAsync(url);
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound, $"{url}: {response.StatusCode}");
        return Assert.Single(response.Headers.NonValidated["Cache-Control"]);
    }
}
