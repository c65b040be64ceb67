using System.Net;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;
using RazorIpInfo.Redis;

namespace RazorIpInfo.Lookup.Caching;

/// <summary>
/// Puts the lookup cache in front of one provider: one upstream call per address per TTL, shared
/// across instances through Redis; refusals kept longer; failures never stored as answers but
/// backed off; and the last good answer served, marked stale, while the provider fails.
/// </summary>
/// <remarks>
/// HybridCache's own expiry only bounds how long an entry is kept at all (the stale window): whether
/// an entry is fresh is decided here from the cache clock, which lets tests drive TTLs with a fake clock.
/// </remarks>
public sealed partial class CachedIpInfoProvider(
    IIpInfoProvider inner,
    HybridCache cache,
    LookupCacheKeys keys,
    IOptions<LookupCacheOptions> options,
    TimeProvider clock,
    RedisConnection redis,
    LookupMetrics metrics,
    ILogger<CachedIpInfoProvider> logger) : IIpInfoProvider
{
    private LookupCacheOptions Options => options.Value;

    public string Name => inner.Name;

    public Task<LookupResult> LookupAsync(IPAddress? address, string language, CancellationToken cancellationToken) =>
        LookupAsync(address, language, refresh: false, cancellationToken);

    public async Task<LookupResult> LookupAsync(IPAddress? address, string language, bool refresh, CancellationToken cancellationToken)
    {
        var key = keys.For(inner.Name, address, language);
        var request = new Request(this, key, address, language, Previous: null);

        // Concurrent callers of one key share one factory call: 200 parallel first visits, one upstream request. A caller
        // that missed the memory cache just before the shared call finished starts one more: HybridCache does not look
        // in memory again before it starts a call.
        var entry = await cache.GetOrCreateAsync(key, request, static (r, ct) => r.Owner.FetchAsync(r, ct),
            EntryOptions, cancellationToken: cancellationToken);

        if (NeedsUpstream(entry, clock.GetUtcNow(), refresh))
        {
            // Callers who saw the same outdated state share one refresh; it lives only in this process.
            entry = await cache.GetOrCreateAsync($"{key}:refresh:{entry.Version}", request with { Previous = entry },
                static (r, ct) => r.Owner.FetchAsync(r, ct), RefreshOptions, cancellationToken: cancellationToken);
        }

        return Present(entry, clock.GetUtcNow());
    }

    /// <summary>
    /// Many addresses: the cache answers what it holds fresh (the entries single lookups use), the rest go to the
    /// provider's own many-address lookup (ip-api.com's batch endpoint), and its answers are kept for single
    /// lookups in turn.
    /// </summary>
    public async Task<IReadOnlyList<LookupResult>> LookupManyAsync(
        IReadOnlyList<IPAddress> addresses, string language, UpstreamAllowance? allowance, CancellationToken cancellationToken)
    {
        var results = new LookupResult?[addresses.Count];
        await Parallel.ForAsync(0, addresses.Count, new ParallelOptions { MaxDegreeOfParallelism = CacheReadsAtOnce, CancellationToken = cancellationToken },
            async (i, ct) => results[i] = await PeekAsync(addresses[i], language, ct));

        var misses = Enumerable.Range(0, addresses.Count).Where(i => results[i] is null).ToList();
        if (misses.Count > 0)
        {
            // The allowance counts what is not cached: a cached answer costs the upstream nothing.
            var answers = await inner.LookupManyAsync([.. misses.Select(i => addresses[i])], language, allowance, cancellationToken);
            await Parallel.ForAsync(0, misses.Count, new ParallelOptions { MaxDegreeOfParallelism = CacheReadsAtOnce, CancellationToken = cancellationToken },
                async (j, ct) => results[misses[j]] = await StoreAsync(addresses[misses[j]], language, answers[j], ct));
        }

        return results!;
    }

    // Cache reads are memory, or a Redis round trip each: a few at a time, not a thousand at once.
    private const int CacheReadsAtOnce = 16;

    /// <summary>
    /// What the cache alone says about <paramref name="address"/>: a fresh answer or refusal, else null (nothing
    /// cached, too old, or a failure).
    /// </summary>
    private async Task<LookupResult?> PeekAsync(IPAddress address, string language, CancellationToken cancellationToken)
    {
        var entry = await cache.GetOrCreateAsync<CacheEntry?>(keys.For(inner.Name, address, language),
            static _ => ValueTask.FromResult<CacheEntry?>(null), PeekOptions, cancellationToken: cancellationToken);
        if (entry is null)
        {
            return null;
        }

        var result = Present(entry, clock.GetUtcNow());
        return result is LookupResult.Found { Stale: false } or LookupResult.Refused ? result : null;
    }

    /// <summary>
    /// Keeps an answer that came from the many-address lookup under the entry a single lookup reads, and returns
    /// it as a single lookup will present it. Failures are not stored: they would hide an older, servable answer.
    /// </summary>
    private async Task<LookupResult> StoreAsync(IPAddress address, string language, LookupResult result, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        CacheEntry? entry = result switch
        {
            LookupResult.Found found => new CacheEntry { Info = found.Info, AnsweredAt = now },
            LookupResult.Refused refused => new CacheEntry { Refusal = refused.Reason, AnsweredAt = now },
            _ => null,
        };
        if (entry is null)
        {
            return result;
        }

        metrics.CacheMiss(inner.Name);
        await cache.SetAsync(keys.For(inner.Name, address, language), entry, EntryOptions, cancellationToken: cancellationToken);
        return Present(entry, now);
    }

    // Reads what is there (memory, then Redis) and never calls the provider.
    private static readonly HybridCacheEntryOptions PeekOptions = new()
    {
        Flags = HybridCacheEntryFlags.DisableUnderlyingData,
    };

    private HybridCacheEntryOptions EntryOptions => new()
    {
        Expiration = Options.StaleWindow,
        LocalCacheExpiration = redis.IsConfigured ? Options.LocalExpirationWithRedis : Options.StaleWindow,
        // While Redis is known to be down, not asking it at all saves every request a failed call and a log line.
        Flags = redis.IsConfigured && !redis.IsAvailable ? HybridCacheEntryFlags.DisableDistributedCache : HybridCacheEntryFlags.None,
    };

    private static readonly HybridCacheEntryOptions RefreshOptions = new()
    {
        Expiration = TimeSpan.FromSeconds(10),
        LocalCacheExpiration = TimeSpan.FromSeconds(10),
        Flags = HybridCacheEntryFlags.DisableDistributedCache,
    };

    private async ValueTask<CacheEntry> FetchAsync(Request request, CancellationToken cancellationToken)
    {
        LogFetching(logger, inner.Name);
        metrics.CacheMiss(inner.Name);
        var result = await inner.LookupAsync(request.Address, request.Language, cancellationToken);
        var now = clock.GetUtcNow();
        var entry = result switch
        {
            LookupResult.Found found => new CacheEntry { Info = found.Info, AnsweredAt = now },
            LookupResult.Refused refused => new CacheEntry { Refusal = refused.Reason, AnsweredAt = now },
            LookupResult.QuotaExhausted quota => Failed(request.Previous, new CachedFailure(now, null, quota.RetryAfter)),
            LookupResult.Unavailable unavailable => Failed(request.Previous, new CachedFailure(now, unavailable.Reason, null)),
            _ => throw new InvalidOperationException($"Unknown lookup result {result.GetType().Name}."),
        };

        if (request.Previous is not null)
        {
            // A first fetch is stored by GetOrCreateAsync itself; a refresh replaces the entry explicitly.
            await cache.SetAsync(request.Key, entry, EntryOptions, cancellationToken: cancellationToken);
        }

        return entry;
    }

    /// <summary>The failure is remembered next to the last answer, which stays servable as stale data.</summary>
    private static CacheEntry Failed(CacheEntry? previous, CachedFailure failure) =>
        (previous ?? new CacheEntry()) with { Failure = failure };

    private bool NeedsUpstream(CacheEntry entry, DateTimeOffset now, bool refresh)
    {
        if (entry.Failure is { } failure && now - failure.At < BackoffFor(failure))
        {
            return false;
        }

        if (entry.AnsweredAt is not { } answeredAt)
        {
            return true;
        }

        var age = now - answeredAt;
        var ttl = entry.Info is not null ? Options.SuccessTtl : Options.NegativeTtl;
        return age >= ttl || (refresh && age >= Options.RefreshMinAge);
    }

    // Asking before the quota resets only digs the hole deeper.
    private TimeSpan BackoffFor(CachedFailure failure) =>
        failure.RetryAfter is { } retryAfter && retryAfter > Options.FailureBackoff ? retryAfter : Options.FailureBackoff;

    private LookupResult Present(CacheEntry entry, DateTimeOffset now)
    {
        var age = entry.AnsweredAt is { } answeredAt ? now - answeredAt : TimeSpan.Zero;
        if (entry.Info is { } info)
        {
            if (age < Options.SuccessTtl)
            {
                return Found(info, entry.AnsweredAt!.Value, age, stale: false);
            }

            if (entry.Failure is not null && age < Options.StaleWindow)
            {
                return Found(info, entry.AnsweredAt!.Value, age, stale: true);
            }
        }

        if (entry.Refusal is { } reason && age < Options.NegativeTtl)
        {
            return new LookupResult.Refused(reason);
        }

        return entry.Failure switch
        {
            { RetryAfter: { } retryAfter, At: var at } => new LookupResult.QuotaExhausted(
                TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling((retryAfter - (now - at)).TotalSeconds)))),
            { Reason: { } unavailable } => new LookupResult.Unavailable(unavailable),
            _ => new LookupResult.Unavailable(UnavailableReason.Error),
        };
    }

    // FetchedAt is when this site received the answer, on the cache clock, whichever instance fetched it.
    private static LookupResult.Found Found(IpInfo info, DateTimeOffset answeredAt, TimeSpan age, bool stale) =>
        new(info with { FetchedAt = answeredAt }) { Age = age < TimeSpan.Zero ? TimeSpan.Zero : age, Stale = stale };

    private sealed record Request(CachedIpInfoProvider Owner, string Key, IPAddress? Address, string Language, CacheEntry? Previous);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Cache miss; asking {Provider}")]
    private static partial void LogFetching(ILogger logger, string provider);
}
