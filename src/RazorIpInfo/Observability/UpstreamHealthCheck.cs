using Microsoft.Extensions.Diagnostics.HealthChecks;
using RazorIpInfo.Lookup.Quota;

namespace RazorIpInfo.Observability;

/// <summary>
/// Degraded, not unhealthy, while the upstream's circuit is open or its budget spent: the instance still
/// serves cached data and clear "try again" answers, so a load balancer should keep it.
/// </summary>
public sealed class UpstreamHealthCheck(UpstreamCircuit circuit, IUpstreamQuota quota, TimeProvider clock) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (circuit.IsOpen)
        {
            return HealthCheckResult.Degraded("The upstream's circuit is open after repeated failures.");
        }

        if (await quota.ExhaustedForAsync(cancellationToken) is { } wait)
        {
            return HealthCheckResult.Degraded($"The upstream's request budget is spent for {Math.Ceiling(wait.TotalSeconds)} s.");
        }

        // Say only what is known: a probe of our own would spend the budget that visitors share.
        var ago = circuit.LastCall is { } call ? (int)Math.Max(0, (clock.GetUtcNow() - call.At).TotalSeconds) : 0;
        return HealthCheckResult.Healthy(circuit.LastCall switch
        {
            null => "No upstream call made yet; budget left.",
            { Status: null } => $"The last upstream call, {ago} s ago, got no answer; budget left.",
            { Status: var status } => $"The last upstream call, {ago} s ago, was answered with HTTP {status}; budget left.",
        });
    }
}
