using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using RazorIpInfo.Lookup.Quota;

namespace RazorIpInfo.Lookup.Upstream;

/// <summary>
/// What differs between the upstream endpoints the site calls; everything else about how they are called is
/// <see cref="HardenedUpstream.AddHardenedUpstream"/>, the same for each.
/// </summary>
/// <param name="AttemptTimeout">One attempt, the answer's body included.</param>
/// <param name="TotalTimeout">The whole exchange, retries included.</param>
/// <param name="MaxRetries">0: a failed attempt is the answer.</param>
/// <param name="MaxResponseBytes">The largest answer accepted, after decompression.</param>
/// <param name="CircuitMinimumThroughput">Calls the breaker must have seen in its window before it may open.</param>
/// <param name="CircuitBreakDuration">How long an open circuit fails calls fast.</param>
/// <param name="RequestsPerMinute">Our own budget for the endpoint, shared through Redis; 0 is none of our own.</param>
public sealed record UpstreamPolicy(
    Uri BaseAddress,
    TimeSpan AttemptTimeout,
    TimeSpan TotalTimeout,
    int MaxRetries,
    int MaxResponseBytes,
    int CircuitMinimumThroughput,
    TimeSpan CircuitBreakDuration,
    int RequestsPerMinute);

public static class HardenedUpstream
{
    /// <summary>
    /// A named <see cref="HttpClient"/> for an upstream that is trusted for data and nothing else. From the
    /// outside in: the resilience pipeline (total timeout, retries, circuit breaker, attempt timeout), the
    /// request budget under it so that every attempt is paid for and a spent budget sends nothing, and the
    /// bounded reader, so that the attempt timeout covers the body and no answer is larger than the cap.
    /// Redirects are not followed: an upstream says what it knows, never where to go.
    /// </summary>
    /// <param name="name">The client's name, its budget's and its circuit's (the Redis key of the budget ends with it).</param>
    /// <param name="perHost">
    /// One client for many upstreams (the RDAP registries): each host (and port) the client calls has a breaker and
    /// a budget of its own, so one slow or throttling host never stops calls to another. The keyed
    /// <see cref="UpstreamCircuit"/> then records the last call to any of them, and has no breaker state.
    /// </param>
    public static IHttpClientBuilder AddHardenedUpstream(this IServiceCollection services, string name, Func<IServiceProvider, UpstreamPolicy> policy, bool perHost = false)
    {
        services.AddKeyedSingleton(name, (provider, _) =>
            new UpstreamCircuit(provider.GetRequiredKeyedService<TimeProvider>(Caching.LookupCacheServiceCollectionExtensions.ClockKey)));

        var client = services.AddHttpClient(name, (provider, http) =>
        {
            var settings = policy(provider);
            http.BaseAddress = settings.BaseAddress;
            http.MaxResponseContentBufferSize = settings.MaxResponseBytes;
            // The pipeline's total timeout already bounds the whole exchange (the body is read inside it);
            // this is the backstop should anything ever read outside it.
            http.Timeout = settings.TotalTimeout + TimeSpan.FromSeconds(1);
        });

        client.ConfigurePrimaryHttpMessageHandler(provider => new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.All,
            ConnectTimeout = policy(provider).AttemptTimeout,
            MaxResponseHeadersLength = 16,
            UseCookies = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        });

        // The pooled connections' lifetime above already picks up DNS changes, so the factory's own rotation of
        // handlers every two minutes would only rebuild this chain; its expiry timer also kept a stopped host's
        // whole container reachable for those two minutes (dotnet/runtime#113494).
        client.SetHandlerLifetime(Timeout.InfiniteTimeSpan);

        // The client's own logging opens a scope with the request URL, which holds the looked-up address (and
        // a key), on every line logged during the call. The typed clients log what matters in their own words.
        client.RemoveAllLoggers();

        var resilience = client.AddStandardResilienceHandler();
        if (perHost)
        {
            resilience.SelectPipelineByAuthority();
        }

        resilience
            .Configure((resilience, provider) =>
            {
                var settings = policy(provider);
                resilience.AttemptTimeout.Timeout = settings.AttemptTimeout;
                resilience.TotalRequestTimeout.Timeout = settings.TotalTimeout;
                resilience.Retry.MaxRetryAttempts = Math.Max(1, settings.MaxRetries);
                resilience.Retry.Delay = TimeSpan.FromMilliseconds(100);
                // A Retry-After is the upstream asking us to stop, which the budget honours; waiting it out
                // inside one lookup only turns a quick failure into a timeout after the whole total timeout.
                resilience.Retry.ShouldRetryAfterHeader = false;
                resilience.Retry.ShouldHandle = args => ValueTask.FromResult(settings.MaxRetries > 0 && IsRetryable(args.Outcome));
                resilience.CircuitBreaker.SamplingDuration = TimeSpan.FromTicks(
                    Math.Max(TimeSpan.FromSeconds(30).Ticks, 2 * settings.AttemptTimeout.Ticks));
                resilience.CircuitBreaker.MinimumThroughput = settings.CircuitMinimumThroughput;
                resilience.CircuitBreaker.FailureRatio = 0.5;
                resilience.CircuitBreaker.BreakDuration = settings.CircuitBreakDuration;
                resilience.CircuitBreaker.ShouldHandle = args => ValueTask.FromResult(IsRetryable(args.Outcome));
                // A state provider watches one breaker; per host there are several, each with its own state.
                if (!perHost)
                {
                    resilience.CircuitBreaker.StateProvider = provider.GetRequiredKeyedService<UpstreamCircuit>(name).State;
                }
            });
        client.AddUpstreamQuota(name, provider => policy(provider).RequestsPerMinute, perHost);
        client.AddHttpMessageHandler(provider => new BoundedAnswerHandler(policy(provider).MaxResponseBytes));
        return client;
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
