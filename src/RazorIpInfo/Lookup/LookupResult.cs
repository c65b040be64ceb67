namespace RazorIpInfo.Lookup;

/// <summary>
/// Every way a lookup can end. Providers return one of these instead of throwing, so pages and
/// the API decide how to present a failure and no upstream exception reaches a visitor.
/// </summary>
public abstract record LookupResult
{
    private LookupResult()
    {
    }

    /// <summary>The provider knows the address.</summary>
    public sealed record Found(IpInfo Info) : LookupResult
    {
        /// <summary>How long ago the answer was fetched from the provider.</summary>
        public TimeSpan Age { get; init; }

        /// <summary>The provider could not answer just now, so this is an older answer kept for that case.</summary>
        public bool Stale { get; init; }
    }

    /// <summary>A definitive "no": asking again will not change the answer.</summary>
    public sealed record Refused(RefusalReason Reason) : LookupResult;

    /// <summary>The provider's quota is used up until <paramref name="RetryAfter"/> has passed.</summary>
    public sealed record QuotaExhausted(TimeSpan RetryAfter) : LookupResult;

    /// <summary>The provider could not answer now; a later attempt may succeed.</summary>
    public sealed record Unavailable(UnavailableReason Reason) : LookupResult
    {
        /// <summary>
        /// The offline database is in the chain and loaded, so it was asked too: what the visitor is told
        /// must not be to fetch it (advice already followed).
        /// </summary>
        public bool OfflineDatabaseLoaded { get; init; }
    }
}

public enum RefusalReason
{
    InvalidAddress,
    PrivateRange,
    ReservedRange,
}

public enum UnavailableReason
{
    Error,
    Timeout,

    /// <summary>No connection could be made at all (refused, no route, no DNS): this server cannot reach the provider.</summary>
    Unreachable,

    /// <summary>
    /// The visitor is on the server's local network, so their public address is the server's, which only
    /// ip-api.com can tell, and this server cannot reach it (<see cref="Unreachable"/>). The offline
    /// database cannot stand in: it answers for an address, and there is none to ask about.
    /// </summary>
    OwnAddressNeedsUpstream,
}
