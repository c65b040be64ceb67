using RazorIpInfo.Redis;

namespace RazorIpInfo.Lookup.Quota;

public static class UpstreamQuotaRegistration
{
    internal const string RedisKeyPrefix = "ipinfo:v1:quota:";

    /// <summary>
    /// The budget when none is configured (a pro key): never spent by our own count, but still stopped,
    /// across instances, when the upstream says stop (429, <c>X-Rl: 0</c>, 503 with Retry-After).
    /// </summary>
    internal const int Unlimited = 1_000_000_000;

    /// <summary>
    /// A request budget with the upstream under the name <paramref name="budget"/> (an endpoint the upstream counts
    /// apart has its own): in Redis under its own key, shared by all instances, when <c>ConnectionStrings:Redis</c>
    /// is set, otherwise this process's own; corrected by what the upstream reports (<c>X-Rl</c>/<c>X-Ttl</c>).
    /// The handler is installed whatever the limit: an upstream that says stop is obeyed with or without a key.
    /// </summary>
    /// <param name="requestsPerMinute">The configured limit; 0 is no limit of our own.</param>
    /// <param name="perHost">A budget per host (and port) the client calls, each under its own key: <paramref name="budget"/>:host:port.</param>
    public static IHttpClientBuilder AddUpstreamQuota(this IHttpClientBuilder client, string budget, Func<IServiceProvider, int> requestsPerMinute, bool perHost = false)
    {
        // Decided when first resolved, like the cache, so that configuration added late (tests) counts.
        client.Services.AddKeyedSingleton<IUpstreamQuota>(budget, (provider, _) => Create(provider, budget));
        if (perHost)
        {
            client.Services.AddKeyedSingleton(budget, (provider, _) => new PerHostQuotas(host => Create(provider, $"{budget}:{host}")));
        }

        return client.AddHttpMessageHandler(provider => ActivatorUtilities.CreateInstance<UpstreamQuotaHandler>(
            provider,
            perHost
                ? provider.GetRequiredKeyedService<PerHostQuotas>(budget).For
                : (Func<Uri?, IUpstreamQuota>)(_ => provider.GetRequiredKeyedService<IUpstreamQuota>(budget)),
            provider.GetRequiredKeyedService<UpstreamCircuit>(budget),
            LookupClock(provider)));

        IUpstreamQuota Create(IServiceProvider provider, string key)
        {
            var limit = requestsPerMinute(provider) is > 0 and var configured ? configured : Unlimited;
            var inProcess = new InProcessUpstreamQuota(limit, TimeSpan.FromMinutes(1), LookupClock(provider));
            return provider.GetRequiredService<RedisConnection>() is { IsConfigured: true } redis
                ? new RedisUpstreamQuota(
                    redis,
                    RedisKeyPrefix + key,
                    limit,
                    TimeSpan.FromMinutes(1),
                    inProcess,
                    provider.GetRequiredService<ILogger<RedisUpstreamQuota>>())
                : inProcess;
        }
    }

    /// <summary>One budget per host, made on the first call to it.</summary>
    private sealed class PerHostQuotas(Func<string, IUpstreamQuota> create)
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, IUpstreamQuota> quotas = new(StringComparer.OrdinalIgnoreCase);

        public IUpstreamQuota For(Uri? url) => quotas.GetOrAdd(url?.Authority ?? "", create);
    }

    private static TimeProvider LookupClock(IServiceProvider provider) =>
        provider.GetRequiredKeyedService<TimeProvider>(Caching.LookupCacheServiceCollectionExtensions.ClockKey);
}
