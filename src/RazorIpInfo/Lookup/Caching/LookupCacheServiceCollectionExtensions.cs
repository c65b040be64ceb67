using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

using RazorIpInfo.Hosting;
using RazorIpInfo.Redis;

namespace RazorIpInfo.Lookup.Caching;

public static partial class LookupCacheServiceCollectionExtensions
{
    public const string RedisConnectionStringName = RedisConnection.ConnectionStringName;

    /// <summary>
    /// The clock of lookups: the cache's freshness, the card's "fetched … ago", the upstream budget's windows and
    /// stops. Tests replace this one only; the HTTP pipeline's timeouts and retry delays run on the host's clock.
    /// </summary>
    public const string ClockKey = "lookup-clock";

    public static IHostApplicationBuilder AddLookupCache(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(services => new LookupCacheMode(services.GetRequiredService<RedisConnection>().IsConfigured));

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddKeyedSingleton<TimeProvider>(ClockKey, (services, _) => services.GetRequiredService<TimeProvider>());

        builder.Services.AddSectionOptions<LookupCacheOptions>(LookupCacheOptions.Section)
            .Validate(o => o.StaleWindow >= o.SuccessTtl, "Cache:StaleWindow must not be shorter than Cache:SuccessTtl.")
            // Each instance would invent its own secret, so none could read another's entries.
            .Validate<LookupCacheMode, IHostEnvironment>(
                (o, mode, environment) => !mode.Distributed || environment.IsDevelopment() || !string.IsNullOrEmpty(o.KeySecret),
                "Cache:KeySecret is required when ConnectionStrings:Redis is set: every instance sharing the Redis server needs the same secret.");

        // HybridCache sizes each in-memory entry by its serialized length, so the limit is in bytes. The
        // IMemoryCache is shared: anything else that uses it must give its entries a Size.
        builder.Services.AddMemoryCache();
        builder.Services.AddOptions<MemoryCacheOptions>()
            .Configure<IOptions<LookupCacheOptions>>((memory, cache) => memory.SizeLimit = cache.Value.LocalSizeLimitBytes);

        builder.Services.AddHybridCache();
        builder.Services.AddOptions<HybridCacheOptions>()
            .Configure<IOptions<LookupCacheOptions>>((hybrid, cache) =>
            {
                hybrid.MaximumPayloadBytes = cache.Value.MaximumEntryBytes;
                hybrid.MaximumKeyLength = 256;
            });

        // HybridCache takes an IDistributedCache when there is one; null here means memory only. RedisCache is
        // an IBufferDistributedCache, so HybridCache reads and writes it through pooled buffers, on the one
        // shared connection (it never opens its own when given a factory).
        builder.Services.AddSingleton<IDistributedCache>(services =>
            services.GetRequiredService<RedisConnection>() is { IsConfigured: true } redis
                ? new RedisCache(Options.Create(new RedisCacheOptions { ConnectionMultiplexerFactory = redis.GetMultiplexerAsync }))
                : null!);

        builder.Services.AddSingleton(services =>
            new LookupCacheKeys(KeySecret(services, services.GetRequiredService<LookupCacheMode>().Distributed)));
        builder.Services.AddHostedService<LookupCacheStartupLog>();
        return builder;
    }

    /// <summary>Puts the lookup cache in front of <paramref name="provider"/>, with entries of its own.</summary>
    public static IIpInfoProvider WithLookupCache(this IServiceProvider services, IIpInfoProvider provider) =>
        new CachedIpInfoProvider(
            provider,
            services.GetRequiredService<HybridCache>(),
            services.GetRequiredService<LookupCacheKeys>(),
            services.GetRequiredService<IOptions<LookupCacheOptions>>(),
            services.GetRequiredKeyedService<TimeProvider>(ClockKey),
            services.GetRequiredService<RedisConnection>(),
            services.GetRequiredService<LookupMetrics>(),
            services.GetRequiredService<ILogger<CachedIpInfoProvider>>());

    private static byte[] KeySecret(IServiceProvider services, bool distributed)
    {
        var configured = services.GetRequiredService<IOptions<LookupCacheOptions>>().Value.KeySecret;
        if (!string.IsNullOrEmpty(configured))
        {
            return Encoding.UTF8.GetBytes(configured);
        }

        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(LookupCacheServiceCollectionExtensions));
        if (distributed || services.GetRequiredService<IHostEnvironment>().IsDevelopment())
        {
            LogGeneratedSecret(logger);
        }

        return RandomNumberGenerator.GetBytes(32);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cache:KeySecret is not set; using a random one for this process, so cache entries are not shared with other instances and are lost on restart")]
    private static partial void LogGeneratedSecret(ILogger logger);
}

/// <summary>Whether the cache is shared through Redis (<c>ConnectionStrings:Redis</c> is set).</summary>
internal sealed record LookupCacheMode(bool Distributed);

/// <summary>Says once, at start-up, what kind of cache this instance has.</summary>
internal sealed partial class LookupCacheStartupLog(
    LookupCacheMode mode, LookupCacheKeys keys, ILogger<LookupCacheStartupLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Resolving the keys here makes a missing secret's warning appear at start-up, not on the first visit.
        _ = keys;
        if (mode.Distributed)
        {
            LogShared(logger);
        }
        else
        {
            LogPerProcess(logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Lookup cache: in-process, shared through Redis (ConnectionStrings:Redis)")]
    private static partial void LogShared(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lookup cache: per-process only, because ConnectionStrings:Redis is not set; each instance asks the provider on its own")]
    private static partial void LogPerProcess(ILogger logger);
}
