using Microsoft.Extensions.Diagnostics.HealthChecks;
using RazorIpInfo.Lookup.Quota;

namespace RazorIpInfo.Observability;

/// <summary>
/// Degraded, not unhealthy, while the upstream's circuit is open or its budget spent: the instance still
/// serves cached data and clear "try again" answers, so a load balancer should keep it.
/// </summary>
public sealed class UpstreamHealthCheck(UpstreamCircuit circuit, IUpstreamQuota quota) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (circuit.IsOpen)
        {
            return HealthCheckResult.Degraded("The upstream's circuit is open after repeated failures.");
        }

        return await quota.ExhaustedForAsync(cancellationToken) is { } wait
            ? HealthCheckResult.Degraded($"The upstream's request budget is spent for {Math.Ceiling(wait.TotalSeconds)} s.")
            : HealthCheckResult.Healthy("The upstream is reachable and has budget left.");
    }
}
