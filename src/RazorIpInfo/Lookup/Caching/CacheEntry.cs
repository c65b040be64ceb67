using System.ComponentModel;

namespace RazorIpInfo.Lookup.Caching;

/// <summary>
/// What the cache keeps for one address, provider and language: the last answer (information or a
/// definitive refusal) and, while the provider keeps failing, when it last failed and how. Times come
/// from the cache clock, so TTLs are decided here rather than by the storage's own expiry.
/// </summary>
/// <remarks>
/// Sealed and <see cref="ImmutableObjectAttribute"/>: HybridCache then hands every caller the same
/// in-process instance instead of deserializing a fresh copy on each hit, which was a cache hit's main cost.
/// Nothing may mutate it; a new state is a new entry (<c>with</c>).
/// </remarks>
[ImmutableObject(true)]
internal sealed record CacheEntry
{
    public IpInfo? Info { get; init; }

    public RefusalReason? Refusal { get; init; }

    /// <summary>When <see cref="Info"/> or <see cref="Refusal"/> was received.</summary>
    public DateTimeOffset? AnsweredAt { get; init; }

    /// <summary>Set while the latest upstream attempt failed; cleared by the next answer.</summary>
    public CachedFailure? Failure { get; init; }

    /// <summary>Identifies this state of the entry, so that callers who saw the same state share one refresh.</summary>
    public string Version => $"{AnsweredAt?.UtcTicks}-{Failure?.At.UtcTicks}";
}

[ImmutableObject(true)]
internal sealed record CachedFailure(DateTimeOffset At, UnavailableReason? Reason, TimeSpan? RetryAfter);
