using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using RazorIpInfo.Hosting;
using RazorIpInfo.Lookup;
using RazorIpInfo.Lookup.Caching;
using RazorIpInfo.Lookup.IpApi;
using RazorIpInfo.Lookup.Quota;

namespace RazorIpInfo.Bulk;

public static class BulkServiceCollectionExtensions
{
    /// <summary>The name of ip-api.com's batch budget (and the suffix of its Redis key).</summary>
    public const string BatchBudget = "batch";

    /// <summary>Bulk lookups: the ip-api.com batch client with its own budget, and the service the page and API share.</summary>
    public static IHostApplicationBuilder AddBulkLookup(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSectionOptions<BulkOptions>(BulkOptions.Section)
            .Validate(o => o.BatchAttemptTimeout < o.BatchTotalTimeout, "Bulk:BatchAttemptTimeout must be shorter than Bulk:BatchTotalTimeout.");

        var client = builder.Services.AddHttpClient<IpApiBatchClient>((services, http) =>
        {
            var bulk = services.GetRequiredService<IOptions<BulkOptions>>().Value;
            http.BaseAddress = services.GetRequiredService<IOptions<IpApiOptions>>().Value.EffectiveBaseUrl;
            http.MaxResponseContentBufferSize = bulk.MaxBatchResponseBytes;
            // The resilience pipeline bounds the exchange up to the response headers; this bounds reading the
            // body too, which HttpClient does after the pipeline has returned.
            http.Timeout = bulk.BatchTotalTimeout;
        });

        // As for single lookups: resilience outermost, the budget under it, so every attempt is paid for.
        client.AddStandardResilienceHandler()
            .Configure((resilience, services) =>
            {
                var bulk = services.GetRequiredService<IOptions<BulkOptions>>().Value;
                resilience.AttemptTimeout.Timeout = bulk.BatchAttemptTimeout;
                resilience.TotalRequestTimeout.Timeout = bulk.BatchTotalTimeout;
                resilience.CircuitBreaker.SamplingDuration = TimeSpan.FromTicks(
                    Math.Max(TimeSpan.FromSeconds(30).Ticks, 2 * bulk.BatchAttemptTimeout.Ticks));
                resilience.Retry.MaxRetryAttempts = Math.Max(1, bulk.BatchMaxRetries);
                resilience.Retry.Delay = TimeSpan.FromMilliseconds(200);
                resilience.Retry.ShouldHandle = args => ValueTask.FromResult(bulk.BatchMaxRetries > 0 && IsRetryable(args.Outcome));
                resilience.CircuitBreaker.ShouldHandle = args => ValueTask.FromResult(IsRetryable(args.Outcome));
            });
        client.AddUpstreamQuota(BatchBudget, services => services.GetRequiredService<IOptions<BulkOptions>>().Value
            .EffectiveBatchRequestsPerMinute(services.GetRequiredService<IOptions<IpApiOptions>>().Value.Key));

        // The providers of Lookup:Providers, in order, as bulk sources; ip-api through its cache and batches.
        builder.Services.AddTransient(services => new BulkLookupService(
            [.. services.GetRequiredService<IOptions<LookupOptions>>().Value.EffectiveProviders.Select(id =>
                services.GetRequiredKeyedService<IIpInfoProvider>(id) is CachedIpInfoProvider cached &&
                id == LookupServiceCollectionExtensions.IpApiProviderId
                    ? new IpApiBulkSource(cached, services.GetRequiredService<IpApiBatchClient>(), services.GetRequiredService<IOptions<BulkOptions>>())
                    : (IBulkSource)new SingleProviderBulkSource(services.GetRequiredKeyedService<IIpInfoProvider>(id)))],
            services.GetRequiredService<LookupMetrics>()));
        return builder;
    }

    // A 429 means the budget is spent: asking again only digs deeper (ip-api.com bans callers that keep going).
    private static bool IsRetryable(Outcome<HttpResponseMessage> outcome) =>
        outcome.Result?.StatusCode != HttpStatusCode.TooManyRequests &&
        HttpClientResiliencePredicates.IsTransient(outcome);
}
