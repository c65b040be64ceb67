namespace RazorIpInfo.Lookup.Quota;

/// <summary>The budget for one instance, used when no Redis is configured (and while Redis is away).</summary>
public sealed class InProcessUpstreamQuota(int limit, TimeSpan window, TimeProvider time) : IUpstreamQuota
{
    private readonly Lock gate = new();
    private int remaining;
    private int inFlight;
    private DateTimeOffset resetAt = DateTimeOffset.MinValue;

    public Task<TimeSpan?> TryReserveAsync(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            var now = time.GetUtcNow();
            if (now >= resetAt)
            {
                // A new window: assume the documented budget until the upstream says otherwise.
                remaining = limit;
                inFlight = 0;
                resetAt = now + window;
            }

            if (remaining <= 0)
            {
                return Task.FromResult<TimeSpan?>(resetAt - now);
            }

            remaining--;
            inFlight++;
            return Task.FromResult<TimeSpan?>(null);
        }
    }

    public Task CompleteAsync(UpstreamBudget? reported, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            inFlight = Math.Max(0, inFlight - 1);
            if (reported is { } budget)
            {
                var now = time.GetUtcNow();
                var left = budget.Remaining - inFlight;
                // Within our window keep the lower figure; a reset further out than ours is a new window.
                var newWindow = now + budget.ResetIn > resetAt + TimeSpan.FromSeconds(1);
                remaining = newWindow ? left : Math.Min(remaining, left);
                resetAt = now + budget.ResetIn;
            }
        }

        return Task.CompletedTask;
    }

    public Task<TimeSpan?> ExhaustedForAsync(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            var now = time.GetUtcNow();
            return Task.FromResult<TimeSpan?>(now < resetAt && remaining <= 0 ? resetAt - now : null);
        }
    }
}
