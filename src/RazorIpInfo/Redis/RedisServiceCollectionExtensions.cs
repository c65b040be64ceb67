namespace RazorIpInfo.Redis;

public static class RedisServiceCollectionExtensions
{
    /// <summary>
    /// The one Redis connection (<see cref="RedisConnection"/>), opened at start-up when
    /// <c>ConnectionStrings:Redis</c> is set. The lookup cache, the upstream budget and /readyz use it.
    /// </summary>
    public static IHostApplicationBuilder AddRedis(this IHostApplicationBuilder builder)
    {
        // Configuration is read when the connection is first resolved, so that settings added after this call count.
        builder.Services.AddSingleton<RedisConnection>();
        builder.Services.AddHostedService(services => services.GetRequiredService<RedisConnection>());
        return builder;
    }
}
