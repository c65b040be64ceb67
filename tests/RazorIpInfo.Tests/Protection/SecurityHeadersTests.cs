using RazorIpInfo.Tests.Infrastructure;

namespace RazorIpInfo.Tests.Protection;

/// <summary>Nothing here changes the site: one site for the class (<see cref="SharedSite"/>).</summary>
public sealed class SecurityHeadersTests(SharedSite site) : IClassFixture<SharedSite>
{
    [Theory]
    [InlineData("/")]
    [InlineData("/?ip=8.8.8.8")]
    [InlineData("/api/ip-info/8.8.8.8")]
    [InlineData("/api/ip-info/not-an-address")]
    [InlineData("/no-such-page")]
    [InlineData("/favicon.svg")]
    public async Task EveryResponseCarriesTheSecurityHeaders(string url)
    {
        var response = await site.App.CreateClientFor("8.8.8.8").GetAsync(url);

        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Single(response.Headers.GetValues("Referrer-Policy"));
        Assert.Contains("geolocation=()", Assert.Single(response.Headers.GetValues("Permissions-Policy")), StringComparison.Ordinal);
    }
}
