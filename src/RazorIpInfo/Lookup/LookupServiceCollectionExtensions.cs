using System.Net;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using RazorIpInfo.Lookup.Caching;
using RazorIpInfo.Lookup.IpApi;
using RazorIpInfo.Lookup.Quota;
using RazorIpInfo.Observability;

namespace RazorIpInfo.Lookup;

public static class LookupServiceCollectionExtensions
{
    public const string IpApiProviderId = "ip-api";

    public static IHostApplicationBuilder AddIpLookup(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<LookupMetrics>();

        builder.Services.AddOptions<IpApiOptions>()
            .BindConfiguration(IpApiOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.AttemptTimeout < o.TotalTimeout, "IpApi:AttemptTimeout must be shorter than IpApi:TotalTimeout.")
            .ValidateOnStart();

        var client = builder.Services.AddHttpClient<IpApiClient>((services, http) =>
        {
            var options = services.GetRequiredService<IOptions<IpApiOptions>>().Value;
            http.BaseAddress = options.EffectiveBaseUrl;
            http.MaxResponseContentBufferSize = options.MaxResponseBytes;
        });

        // Polly logs every retried attempt with its stack trace (a hundred lines for one unreachable upstream);
        // IpApiClient says in one line what happened to the lookup, and Polly's errors still show.
        builder.Logging.AddFilter("Polly", LogLevel.Error);

        // Outermost first: the resilience pipeline, then the budget check under it, so that every
        // attempt (retries included) is paid for and a spent budget sends nothing.
        client.AddStandardResilienceHandler()
            .Configure((resilience, services) =>
            {
                var options = services.GetRequiredService<IOptions<IpApiOptions>>().Value;
                resilience.AttemptTimeout.Timeout = options.AttemptTimeout;
                resilience.TotalRequestTimeout.Timeout = options.TotalTimeout;
                resilience.CircuitBreaker.SamplingDuration = TimeSpan.FromTicks(
                    Math.Max(TimeSpan.FromSeconds(30).Ticks, 2 * options.AttemptTimeout.Ticks));
                resilience.Retry.MaxRetryAttempts = Math.Max(1, options.MaxRetries);
                resilience.Retry.Delay = TimeSpan.FromMilliseconds(100);
                resilience.Retry.ShouldHandle = args => ValueTask.FromResult(
                    options.MaxRetries > 0 && IsRetryable(args.Outcome));
                resilience.CircuitBreaker.MinimumThroughput = 5;
                resilience.CircuitBreaker.FailureRatio = 0.5;
                resilience.CircuitBreaker.BreakDuration = options.CircuitBreakDuration;
                resilience.CircuitBreaker.ShouldHandle = args => ValueTask.FromResult(IsRetryable(args.Outcome));
                resilience.CircuitBreaker.StateProvider = services.GetRequiredService<UpstreamCircuit>().State;
            });
        client.AddUpstreamQuota();

        builder.Services.AddSingleton<UpstreamCircuit>();

        builder.AddLookupCache();
        builder.Services.AddOptions<LookupOptions>()
            .BindConfiguration(LookupOptions.Section)
            .Validate<IServiceProviderIsKeyedService>(
                (o, registered) => o.EffectiveProviders.All(id => registered.IsKeyedService(typeof(IIpInfoProvider), id)),
                "Lookup:Providers names a provider that does not exist (known: ip-api, mmdb).")
            .Validate(o => o.EffectiveProviders.Distinct(StringComparer.Ordinal).Count() == o.EffectiveProviders.Count,
                "Lookup:Providers names a provider twice.")
            .ValidateOnStart();

        // Providers are keyed by their configuration id; the chain resolves each one through this single
        // seam, so a per-provider decorator (such as a cache) can be registered per key.
        builder.Services.AddKeyedTransient<IIpInfoProvider>(IpApiProviderId, (services, _) =>
            services.WithLookupCache(services.GetRequiredService<IpApiClient>()));
        builder.Services.AddTransient<IIpInfoProvider>(services => new ProviderChain(
            [.. services.GetRequiredService<IOptions<LookupOptions>>().Value.EffectiveProviders
                .Select(id => services.GetRequiredKeyedService<IIpInfoProvider>(id))],
            services.GetRequiredService<ILogger<ProviderChain>>()));
        builder.Services.AddTransient<IpLookupService>();
        return builder;
    }

    // A 429 means the quota is spent (from the upstream, or held back by our own budget): asking again only digs the hole deeper (ip-api.com bans
    // callers that keep going), so it is answered at once instead of retried.
    private static bool IsRetryable(Outcome<HttpResponseMessage> outcome) =>
        outcome.Result?.StatusCode != HttpStatusCode.TooManyRequests &&
        HttpClientResiliencePredicates.IsTransient(outcome);
}
