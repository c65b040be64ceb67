using Microsoft.Extensions.Options;
using RazorIpInfo.Lookup.IpApi;
using RazorIpInfo.Redis;

namespace RazorIpInfo.Lookup.Quota;

public static class UpstreamQuotaRegistration
{
    internal const string RedisKey = "ipinfo:v1:quota:ip-api.com";

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
            return new InProcessUpstreamQuota(options.EffectiveRequestsPerMinute, TimeSpan.FromMinutes(1), provider.GetRequiredService<TimeProvider>());
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
                options.EffectiveRequestsPerMinute,
                TimeSpan.FromMinutes(1),
                inProcess,
                provider.GetRequiredService<ILogger<RedisUpstreamQuota>>());
        });

        services.AddTransient<UpstreamQuotaHandler>();
        return client.AddHttpMessageHandler(provider =>
            provider.GetRequiredService<IOptions<IpApiOptions>>().Value.EffectiveRequestsPerMinute > 0
                ? provider.GetRequiredService<UpstreamQuotaHandler>()
                : new PassThroughHandler());
    }

    private sealed class PassThroughHandler : DelegatingHandler;
}
