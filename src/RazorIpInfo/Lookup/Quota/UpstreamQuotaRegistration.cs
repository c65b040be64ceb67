using Microsoft.Extensions.Options;
using RazorIpInfo.Lookup.IpApi;
using StackExchange.Redis;

namespace RazorIpInfo.Lookup.Quota;

public static class UpstreamQuotaRegistration
{
    internal const string RedisKey = "ipinfo:v1:quota:ip-api.com";

    /// <summary>
    /// The ip-api.com budget: in Redis, shared by all instances, when <c>ConnectionStrings:Redis</c> is set;
    /// otherwise this process's own.
    /// </summary>
    public static IHttpClientBuilder AddUpstreamQuota(this IHttpClientBuilder client, IConfiguration configuration)
    {
        var services = client.Services;
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<IpApiOptions>>().Value;
            return new InProcessUpstreamQuota(options.EffectiveRequestsPerMinute, TimeSpan.FromMinutes(1), provider.GetRequiredService<TimeProvider>());
        });

        if (string.IsNullOrWhiteSpace(configuration.GetConnectionString("Redis")))
        {
            services.AddSingleton<IUpstreamQuota>(provider => provider.GetRequiredService<InProcessUpstreamQuota>());
        }
        else
        {
            services.AddSharedRedisConnection(configuration);
            services.AddSingleton<IUpstreamQuota>(provider =>
            {
                var options = provider.GetRequiredService<IOptions<IpApiOptions>>().Value;
                return new RedisUpstreamQuota(
                    provider.GetRequiredService<IConnectionMultiplexer>(),
                    RedisKey,
                    options.EffectiveRequestsPerMinute,
                    TimeSpan.FromMinutes(1),
                    provider.GetRequiredService<InProcessUpstreamQuota>(),
                    provider.GetRequiredService<ILogger<RedisUpstreamQuota>>());
            });
        }

        services.AddTransient<UpstreamQuotaHandler>();
        return client.AddHttpMessageHandler(provider =>
            provider.GetRequiredService<IOptions<IpApiOptions>>().Value.EffectiveRequestsPerMinute > 0
                ? provider.GetRequiredService<UpstreamQuotaHandler>()
                : new PassThroughHandler());
    }

    /// <summary>
    /// One Redis connection for the process. Short timeouts and no abort on a failed first connect, so that
    /// a Redis outage costs a request half a second at most and the connection heals by itself.
    /// </summary>
    public static IServiceCollection AddSharedRedisConnection(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IConnectionMultiplexer>(_ =>
        {
            var options = ConfigurationOptions.Parse(configuration.GetConnectionString("Redis")!);
            options.AbortOnConnectFail = false;
            options.ConnectTimeout = Math.Min(options.ConnectTimeout, 500);
            options.SyncTimeout = Math.Min(options.SyncTimeout, 500);
            options.AsyncTimeout = Math.Min(options.AsyncTimeout, 500);
            return ConnectionMultiplexer.Connect(options);
        });
        return services;
    }

    private sealed class PassThroughHandler : DelegatingHandler;
}
