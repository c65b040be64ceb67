using Microsoft.Extensions.Options;
using RazorIpInfo.Lookup.IpApi;
using RazorIpInfo.Redis;

namespace RazorIpInfo.Lookup.Quota;

public static class UpstreamQuotaRegistration
{
    internal const string RedisKey = "ipinfo:v1:quota:ip-api.com";

    /// <summary>
    /// The budget when none is configured (a pro key): never spent by our own count, but still stopped,
    /// across instances, when the upstream says stop (429, <c>X-Rl: 0</c>, 503 with Retry-After).
    /// </summary>
    internal const int Unlimited = 1_000_000_000;

    private static int Limit(IpApiOptions options) =>
        options.EffectiveRequestsPerMinute > 0 ? options.EffectiveRequestsPerMinute : Unlimited;

    /// <summary>
    /// The ip-api.com budget: in Redis, shared by all instances, when <c>ConnectionStrings:Redis</c> is set;
    /// otherwise this process's own.
    /// </summary>
    public static IHttpClientBuilder AddUpstreamQuota(this IHttpClientBuilder client)
    {
        var services = client.Services;
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<IpApiOptions>>().Value;
            return new InProcessUpstreamQuota(Limit(options), TimeSpan.FromMinutes(1), provider.GetRequiredService<TimeProvider>());
        });

        // Decided when first resolved, like the cache, so that configuration added late (tests) counts.
        services.AddSingleton<IUpstreamQuota>(provider =>
        {
            var inProcess = provider.GetRequiredService<InProcessUpstreamQuota>();
            if (provider.GetRequiredService<RedisConnection>() is not { IsConfigured: true } redis)
            {
                return inProcess;
            }

            var options = provider.GetRequiredService<IOptions<IpApiOptions>>().Value;
            return new RedisUpstreamQuota(
                redis,
                RedisKey,
                Limit(options),
                TimeSpan.FromMinutes(1),
                inProcess,
                provider.GetRequiredService<ILogger<RedisUpstreamQuota>>());
        });

        services.AddTransient<UpstreamQuotaHandler>();
        // Installed whatever the key: an upstream that says stop is obeyed with or without a budget of our own.
        return client.AddHttpMessageHandler(provider => provider.GetRequiredService<UpstreamQuotaHandler>());
    }

    /// <summary>
    /// A second budget with the upstream, for an endpoint it counts apart (ip-api.com's <c>POST /batch</c>): shared
    /// through Redis like the first, under its own key, and corrected by the same <c>X-Rl</c>/<c>X-Ttl</c> headers.
    /// </summary>
    public static IHttpClientBuilder AddUpstreamQuota(this IHttpClientBuilder client, string budget, Func<IServiceProvider, int> requestsPerMinute)
    {
        client.Services.AddKeyedSingleton<IUpstreamQuota>(budget, (provider, _) =>
        {
            var limit = requestsPerMinute(provider);
            var inProcess = new InProcessUpstreamQuota(limit, TimeSpan.FromMinutes(1), provider.GetRequiredService<TimeProvider>());
            return provider.GetRequiredService<RedisConnection>() is { IsConfigured: true } redis
                ? new RedisUpstreamQuota(
                    redis,
                    RedisKey + ":" + budget,
                    limit,
                    TimeSpan.FromMinutes(1),
                    inProcess,
                    provider.GetRequiredService<ILogger<RedisUpstreamQuota>>())
                : inProcess;
        });

        return client.AddHttpMessageHandler(provider =>
            requestsPerMinute(provider) > 0
                ? ActivatorUtilities.CreateInstance<UpstreamQuotaHandler>(provider, provider.GetRequiredKeyedService<IUpstreamQuota>(budget))
                : new PassThroughHandler());
    }

    private sealed class PassThroughHandler : DelegatingHandler;
}
