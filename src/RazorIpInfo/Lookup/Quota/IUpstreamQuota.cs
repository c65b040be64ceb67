namespace RazorIpInfo.Lookup.Quota;

/// <summary>
/// The upstream's request budget, as the upstream itself reports it (ip-api.com: <c>X-Rl</c> requests left,
/// <c>X-Ttl</c> seconds until the window resets). Callers reserve before every call, so that no
/// instance sends a request once the budget is spent: ip-api.com bans callers that keep going.
/// </summary>
public interface IUpstreamQuota
{
    /// <summary>Takes one request from the budget: null when the call may go ahead, else the wait until the window resets.</summary>
    Task<TimeSpan?> TryReserveAsync(CancellationToken cancellationToken);

    /// <summary>Records what the upstream said is left.</summary>
    Task RecordAsync(int remaining, TimeSpan resetIn, CancellationToken cancellationToken);

    /// <summary>How long calls are held back, or null while there is budget (for /readyz).</summary>
    Task<TimeSpan?> ExhaustedForAsync(CancellationToken cancellationToken);
}
