using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using RazorIpInfo.Tests.Infrastructure;

namespace RazorIpInfo.Tests.Protection;

/// <summary>
/// Which endpoints the per-client limits cover, read from the site's own endpoint table: every page and API route,
/// and none of the probes, the scraper and the error page. It replaces two tests that asked /healthz and /metrics
/// under a tight limit and passed with or without the exemption they named (the limits are opt-in per endpoint,
/// so an endpoint without them was never limited); this one fails when a new route is mapped without limits, or
/// when a probe is put under them.
/// </summary>
public sealed class RateLimitedEndpointsTests(SharedSite site) : IClassFixture<SharedSite>
{
    // The error page (status codes too) and the fallback that serves files: what a refused request is shown with.
    private static readonly string[] Exempt = ["/Error/{statusCode:int?}", "/healthz", "/metrics", "/readyz", "/{**path:file}"];

    [Fact]
    public void EveryPageAndApiRouteIsLimitedPerClientAndOnlyProbesMetricsAndTheErrorPageAreNot()
    {
        var endpoints = site.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(endpoint => (Route: "/" + endpoint.RoutePattern.RawText?.TrimStart('/'), Limited: IsLimited(endpoint)))
            // Static files (MapStaticAssets) are never limited, by design: a page's own stylesheet is never refused.
            .Where(endpoint => !IsStaticFile(endpoint.Route))
            .Distinct()
            .ToList();

        Assert.Contains(endpoints, endpoint => endpoint.Route == "/api/ip-info/batch");
        var unlimited = endpoints.Where(endpoint => !endpoint.Limited).Select(endpoint => endpoint.Route).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(Exempt.Order(StringComparer.Ordinal), unlimited);
    }

    private static bool IsLimited(RouteEndpoint endpoint) =>
        endpoint.Metadata.GetMetadata<DisableRateLimitingAttribute>() is null
        && endpoint.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == "per-client";

    private static bool IsStaticFile(string route) => Path.HasExtension(route) && !route.Contains('{', StringComparison.Ordinal);
}
