namespace RazorIpInfo.Lookup.Quota;

/// <summary>The budget for one instance, used when no Redis is configured (and while Redis is away).</summary>
public sealed class InProcessUpstreamQuota(int limit, TimeSpan window, TimeProvider time) : IUpstreamQuota
{
    private readonly Lock gate = new();
    private int remaining;
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
                resetAt = now + window;
            }

            if (remaining <= 0)
            {
                return Task.FromResult<TimeSpan?>(resetAt - now);
            }

            remaining--;
            return Task.FromResult<TimeSpan?>(null);
        }
    }

    public Task RecordAsync(int remaining, TimeSpan resetIn, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            var now = time.GetUtcNow();
            // Requests reserved but not yet answered are not in the upstream's count: keep the lower figure.
            this.remaining = now < resetAt ? Math.Min(this.remaining, remaining) : remaining;
            resetAt = now + resetIn;
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
