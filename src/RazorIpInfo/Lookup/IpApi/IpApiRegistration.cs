using Microsoft.Extensions.Options;
using RazorIpInfo.Hosting;
using RazorIpInfo.Lookup.Quota;
using RazorIpInfo.Lookup.Upstream;

namespace RazorIpInfo.Lookup.IpApi;

public static class IpApiRegistration
{
    /// <summary>
    /// ip-api.com's two endpoints as two hardened clients of one set-up, differing only in their
    /// <see cref="UpstreamPolicy"/>: the batch endpoint has its own budget and circuit, as ip-api.com counts it apart.
    /// </summary>
    public static IHostApplicationBuilder AddIpApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSectionOptions<IpApiOptions>(IpApiOptions.Section)
            .Validate(o => o.AttemptTimeout < o.TotalTimeout, "IpApi:AttemptTimeout must be shorter than IpApi:TotalTimeout.");
        builder.Services.AddSectionOptions<IpApiBatchOptions>(IpApiBatchOptions.Section)
            .Validate(o => o.BatchAttemptTimeout < o.BatchTotalTimeout, "Bulk:BatchAttemptTimeout must be shorter than Bulk:BatchTotalTimeout.");

        builder.Services.AddHardenedUpstream(IpApiClient.ProviderName, services =>
        {
            var o = services.GetRequiredService<IOptions<IpApiOptions>>().Value;
            return new UpstreamPolicy(o.EffectiveBaseUrl, o.AttemptTimeout, o.TotalTimeout, o.MaxRetries, o.MaxResponseBytes,
                o.CircuitMinimumThroughput, o.CircuitBreakDuration, o.EffectiveRequestsPerMinute);
        });
        builder.Services.AddHardenedUpstream(IpApiClient.BatchName, services =>
        {
            var o = services.GetRequiredService<IOptions<IpApiOptions>>().Value;
            var batch = services.GetRequiredService<IOptions<IpApiBatchOptions>>().Value;
            return new UpstreamPolicy(o.EffectiveBaseUrl, batch.BatchAttemptTimeout, batch.BatchTotalTimeout, batch.BatchMaxRetries,
                batch.MaxBatchResponseBytes, batch.BatchCircuitMinimumThroughput, o.CircuitBreakDuration,
                batch.EffectiveBatchRequestsPerMinute(o.Key));
        });

        // The single endpoint's circuit and budget are the ones /readyz reports.
        builder.Services.AddSingleton(services => services.GetRequiredKeyedService<UpstreamCircuit>(IpApiClient.ProviderName));
        builder.Services.AddSingleton(services => services.GetRequiredKeyedService<IUpstreamQuota>(IpApiClient.ProviderName));
        builder.Services.AddSingleton<IpApiClient>();

        // Polly logs every failed attempt and every state change with a stack trace (a hundred lines for one
        // unreachable upstream); IpApiClient says in one line when an outage starts and one when it ends.
        builder.Logging.AddFilter("Polly", LogLevel.None);
        return builder;
    }
}
