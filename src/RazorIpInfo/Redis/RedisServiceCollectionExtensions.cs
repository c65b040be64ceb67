using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

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
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddKeyedSingleton<TimeProvider>(RedisConnection.ClockKey, (services, _) => services.GetRequiredService<TimeProvider>());
        builder.Services.AddSingleton<RedisConnection>();
        builder.Services.AddHostedService(services => services.GetRequiredService<RedisConnection>());
        builder.Services.AddOptions<RedisConnectionString>()
            .Configure<IConfiguration>((setting, configuration) => setting.Value = configuration.GetConnectionString(RedisConnection.ConnectionStringName))
            .Validate(setting => RedisConnectionString.IsValid(setting.Value),
                "ConnectionStrings:Redis is not a Redis connection string: give host:port of each server, then options, such as redis.internal:6379,password=….")
            .ValidateOnStart();
        return builder;
    }

    /// <summary><c>ConnectionStrings:Redis</c> as options, so that start-up checks it with the other settings.</summary>
    private sealed class RedisConnectionString
    {
        public string? Value { get; set; }

        // The client's own parser decides; its message is not repeated, because it may quote a password.
        public static bool IsValid(string? value) => string.IsNullOrWhiteSpace(value) || RedisConnection.TryOptions(value) is not null;
    }
}
