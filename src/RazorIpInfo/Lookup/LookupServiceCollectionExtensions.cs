using System.Net;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using RazorIpInfo.Hosting;
using RazorIpInfo.Lookup.Caching;
using RazorIpInfo.Lookup.IpApi;
using RazorIpInfo.Lookup.Quota;

namespace RazorIpInfo.Lookup;

public static class LookupServiceCollectionExtensions
{
    public const string IpApiProviderId = "ip-api";

    public static IHostApplicationBuilder AddIpLookup(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<LookupMetrics>();

        builder.Services.AddSectionOptions<IpApiOptions>(IpApiOptions.Section)
            .Validate(o => o.AttemptTimeout < o.TotalTimeout, "IpApi:AttemptTimeout must be shorter than IpApi:TotalTimeout.");

        var client = builder.Services.AddHttpClient<IpApiClient>((services, http) =>
        {
            var options = services.GetRequiredService<IOptions<IpApiOptions>>().Value;
            http.BaseAddress = options.EffectiveBaseUrl;
            http.MaxResponseContentBufferSize = options.MaxResponseBytes;
            // The pipeline's total timeout already bounds the whole exchange (the body is read inside it);
            // this is the backstop should anything ever read outside it.
            http.Timeout = options.TotalTimeout + TimeSpan.FromSeconds(1);
        });

        // The upstream is trusted for data, never for where to go: a redirect (to another host, or a loop)
        // is an answer like any other failure. Compressed answers are accepted and counted after inflating.
        client.ConfigurePrimaryHttpMessageHandler(services =>
        {
            var options = services.GetRequiredService<IOptions<IpApiOptions>>().Value;
            return new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.All,
                ConnectTimeout = options.AttemptTimeout,
                MaxResponseHeadersLength = 16,
                UseCookies = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            };
        });

        // The client's own logging opens a scope with the request URL, which holds the looked-up address, on
        // every line logged during the call (the resilience pipeline's included). IpApiClient logs what matters.
        client.RemoveAllLoggers();

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
                // A Retry-After is the upstream asking us to stop, which the budget honours; waiting it out
                // inside one lookup only turns a quick 502 into a 504 after the whole total timeout.
                resilience.Retry.ShouldRetryAfterHeader = false;
                resilience.Retry.ShouldHandle = args => ValueTask.FromResult(
                    options.MaxRetries > 0 && IsRetryable(args.Outcome));
                resilience.CircuitBreaker.MinimumThroughput = options.CircuitMinimumThroughput;
                resilience.CircuitBreaker.FailureRatio = 0.5;
                resilience.CircuitBreaker.BreakDuration = options.CircuitBreakDuration;
                resilience.CircuitBreaker.ShouldHandle = args => ValueTask.FromResult(IsRetryable(args.Outcome));
                resilience.CircuitBreaker.StateProvider = services.GetRequiredService<UpstreamCircuit>().State;
            });
        client.AddUpstreamQuota();
        client.AddHttpMessageHandler(services =>
            new BoundedAnswerHandler(services.GetRequiredService<IOptions<IpApiOptions>>().Value.MaxResponseBytes));

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

    // A 429 means the quota is spent (from the upstream, or held back by our own budget), and a 503 with
    // Retry-After says when to come back: asking again only digs the hole deeper (ip-api.com bans callers
    // that keep going), so both are answered at once instead of retried. An oversized answer would only
    // come back oversized.
    private static bool IsRetryable(Outcome<HttpResponseMessage> outcome) =>
        outcome.Result?.StatusCode != HttpStatusCode.TooManyRequests &&
        !(outcome.Result is { StatusCode: HttpStatusCode.ServiceUnavailable } unavailable && unavailable.Headers.RetryAfter is not null) &&
        outcome.Exception is not UpstreamAnswerTooLargeException &&
        HttpClientResiliencePredicates.IsTransient(outcome);
}
