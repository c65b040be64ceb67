using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using RazorIpInfo.Lookup;

namespace RazorIpInfo.Protection;

/// <summary>
/// Every client's allowance of upstream lookups of addresses it chose, in one place: the rate-limiting
/// middleware takes one permit per single lookup from it, and a bulk lookup one per address it sends to
/// ip-api.com (what the cache holds is free, and what the allowance does not cover goes to the next
/// provider), so that bulk cannot be used to get round the per-client limit. Built from the framework's own
/// partitioned token buckets.
/// </summary>
public sealed class ClientLookupLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> buckets;

    public ClientLookupLimiter(IOptions<RateLimitOptions> options)
    {
        PerMinute = options.Value.LookupsPerMinute;
        buckets = PartitionedRateLimiter.Create<string, string>(client => RateLimitPartition.GetTokenBucketLimiter(
            client,
            _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = PerMinute,
                TokensPerPeriod = PerMinute,
                ReplenishmentPeriod = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
    }

    /// <summary>The most lookups a client may make in a minute.</summary>
    public int PerMinute { get; }

    /// <summary>When a client whose allowance is spent has more: the buckets refill once a minute.</summary>
    public static TimeSpan Refill => TimeSpan.FromMinutes(1);

    /// <summary>
    /// Takes as many of <paramref name="wanted"/> lookups from the client's allowance as it has left, and says
    /// how many that was. A bulk lookup sends that many upstream and leaves the rest to the other providers.
    /// </summary>
    public UpstreamGrant TakeUpTo(string client, int wanted)
    {
        var ask = Math.Min(wanted, PerMinute);
        // Another request of the same client may take tokens between the look and the take: ask again for less.
        for (var attempt = 0; attempt < 3 && ask > 0; attempt++)
        {
            using var lease = buckets.AttemptAcquire(client, ask);
            if (lease.IsAcquired)
            {
                return new UpstreamGrant(ask, Refill);
            }

            ask = (int)Math.Min(ask, buckets.GetStatistics(client)?.CurrentAvailablePermits ?? 0);
        }

        return new UpstreamGrant(0, Refill);
    }

    /// <summary>The client's allowance as a limiter of its own, for a rate-limiting policy's partition.</summary>
    public RateLimiter For(string client) => new ClientView(this, client);

    public void Dispose() => buckets.Dispose();

    /// <summary>
    /// The middleware keeps one limiter per partition and drops idle ones; this view holds no state of its
    /// own (the bucket stays in <see cref="buckets"/>), so being dropped and made again costs nothing.
    /// </summary>
    private sealed class ClientView(ClientLookupLimiter owner, string client) : RateLimiter
    {
        private long lastUsed = Environment.TickCount64;

        public override TimeSpan? IdleDuration => TimeSpan.FromMilliseconds(Environment.TickCount64 - Interlocked.Read(ref lastUsed));

        public override RateLimiterStatistics? GetStatistics() => owner.buckets.GetStatistics(client);

        protected override RateLimitLease AttemptAcquireCore(int permitCount)
        {
            Interlocked.Exchange(ref lastUsed, Environment.TickCount64);
            return owner.buckets.AttemptAcquire(client, permitCount);
        }

        protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
        {
            Interlocked.Exchange(ref lastUsed, Environment.TickCount64);
            return owner.buckets.AcquireAsync(client, permitCount, cancellationToken);
        }
    }
}
