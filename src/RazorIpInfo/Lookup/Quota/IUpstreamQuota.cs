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

    /// <summary>
    /// Ends a reservation, with what the upstream said is left when it said so. Calls still in flight are
    /// not in the upstream's figure yet, so they are taken off it.
    /// </summary>
    Task CompleteAsync(UpstreamBudget? reported, CancellationToken cancellationToken);

    /// <summary>How long calls are held back, or null while there is budget (for /readyz).</summary>
    Task<TimeSpan?> ExhaustedForAsync(CancellationToken cancellationToken);
}

/// <param name="Remaining">Requests left in the window (<c>X-Rl</c>).</param>
/// <param name="ResetIn">Time until the window resets (<c>X-Ttl</c>).</param>
public readonly record struct UpstreamBudget(int Remaining, TimeSpan ResetIn);
