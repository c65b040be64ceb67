using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RazorIpInfo.Lookup.Caching;

namespace RazorIpInfo.Redis;

/// <summary>
/// Degraded, not unhealthy, while a configured Redis is unreachable: every instance then serves from its
/// own memory and the provider, so taking instances out of the load balancer would only make things worse.
/// </summary>
public sealed class RedisHealthCheck(IServiceProvider services) : IHealthCheck
{
    private const string ProbeKey = "ipinfo:v1:readyz";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (services.GetService<IDistributedCache>() is not GuardedDistributedCache redis)
        {
            return HealthCheckResult.Healthy("No Redis configured: the cache is per-process.");
        }

        // One real round trip through the guard; a failure is swallowed there and shows as an outage.
        await redis.GetAsync(ProbeKey, cancellationToken);
        return redis.InOutage
            ? HealthCheckResult.Degraded("Redis is unreachable: serving from this instance's memory and the provider.")
            : HealthCheckResult.Healthy("Redis is reachable.");
    }
}
