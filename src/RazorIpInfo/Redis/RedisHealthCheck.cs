using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RazorIpInfo.Redis;

/// <summary>
/// Degraded, not unhealthy, while a configured Redis is unreachable: every instance then serves from its
/// own memory and the provider, so taking instances out of the load balancer would only make things worse.
/// </summary>
public sealed class RedisHealthCheck(RedisConnection redis) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(
            !redis.IsConfigured ? HealthCheckResult.Healthy("No Redis configured: the cache is per-process.")
            : redis.IsAvailable ? HealthCheckResult.Healthy("Redis is reachable.")
            : HealthCheckResult.Degraded("Redis is unreachable: serving from this instance's memory and the provider."));
}
