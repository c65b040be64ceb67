using Microsoft.Extensions.Diagnostics.HealthChecks;
using RazorIpInfo.Lookup.DataFiles;

namespace RazorIpInfo.Observability;

/// <summary>
/// One downloaded list's age. Degraded, not unhealthy, when it is stale or there is none yet: lookups
/// still answer, only without (or with an old) flag from it, so a load balancer should keep the instance.
/// </summary>
internal sealed class DownloadedDataHealthCheck(IDownloadedDataStatus data) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!data.Settings.Enabled)
        {
            return Task.FromResult(HealthCheckResult.Healthy("Off: no URL is configured."));
        }

        if (data.AgeSeconds is not { } age)
        {
            return Task.FromResult(HealthCheckResult.Degraded("No copy yet: not downloaded since start-up, and none on disk."));
        }

        var seconds = (long)age;
        var facts = new Dictionary<string, object> { ["ageSeconds"] = seconds };
        var stale = (long)data.Settings.StaleAfter.TotalSeconds;
        return Task.FromResult(data.IsStale
            ? HealthCheckResult.Degraded($"Stale: downloaded {seconds} s ago, more than {stale} s.", data: facts)
            : HealthCheckResult.Healthy($"Downloaded {seconds} s ago; stale after {stale} s.", facts));
    }
}
