using System.Net;
using RazorIpInfo.Tests.Infrastructure;

namespace RazorIpInfo.Tests.DualStack;

/// <summary>Without the DualStack settings nothing changes: no row, no /family, the usual policy.</summary>
public sealed class DualStackOffTests : EmulatedUpstreamTests
{
    [Fact]
    public async Task WithoutTheHostsThePageHasNoAddressesRowNoFamilyPageAndTheUsualPolicy()
    {
        await using var app = new RazorIpInfoFactory(Upstream);
        var client = app.CreateClientFor("8.8.8.8");

        var response = await client.GetAsync("/");
        var page = await Html.ParseAsync(response);
        var family = await client.GetAsync("/family");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(page.QuerySelector(".your-addresses, object"));
        Assert.Equal("8.8.8.8", page.CardAddress());
        Assert.DoesNotContain("object-src", Assert.Single(response.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, family.StatusCode);
    }
}
