using System.Net;
using RazorIpInfo.Tests.Infrastructure;

namespace RazorIpInfo.Tests.Hosting;

/// <summary>
/// What browsers and shared caches may keep: the fingerprinted CSS and JS for a year, untouched on repeat
/// visits; the per-visitor answers for that visitor's browser only, asked again each time.
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
            using var response = await site.Client.GetAsync(asset);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var header = Assert.Single(response.Headers.NonValidated["Cache-Control"]);
            Assert.Equal("max-age=31536000, immutable", header);
        }
    }

    [Theory]
    [InlineData("/", "private, no-cache")]
    [InlineData("/api/ip-info/8.8.8.8", "private, no-cache")]
    [InlineData("/api/no-such-endpoint", "private, no-cache")]
    [InlineData("/ip", "private, no-cache")]
    // The error page chooses its own, stricter caching: none at all.
    [InlineData("/no-such-page", "no-store,no-cache")]
    public async Task PagesAndApiAnswersArePrivateAndRevalidated(string url, string expected)
    {
        using var response = await site.Client.GetAsync(url);

        var header = Assert.Single(response.Headers.NonValidated["Cache-Control"]);
        Assert.Equal(expected, header);
    }
}
