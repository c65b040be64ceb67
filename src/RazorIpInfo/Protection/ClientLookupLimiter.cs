using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace RazorIpInfo.Protection;

/// <summary>
/// Every client's allowance of lookups of addresses it chose, in one place: the rate-limiting middleware
/// takes one permit per single lookup from it, and a bulk lookup as many as it has addresses, so that bulk
/// cannot be used to get round the per-client limit. Built from the framework's own partitioned token buckets.
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

    /// <summary>The most lookups a client may make in a minute, and so the largest bulk lookup it can ever make.</summary>
    public int PerMinute { get; }

    /// <summary>Takes <paramref name="permits"/> lookups from the client's allowance, all or none.</summary>
    public RateLimitLease TryAcquire(string client, int permits) =>
        permits > PerMinute
            ? new Refused(null)
            : buckets.AttemptAcquire(client, permits);

    /// <summary>The client's allowance as a limiter of its own, for a rate-limiting policy's partition.</summary>
    public RateLimiter For(string client) => new ClientView(this, client);

    public void Dispose() => buckets.Dispose();

    private sealed class Refused(TimeSpan? retryAfter) : RateLimitLease
    {
        public override bool IsAcquired => false;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter;
            return retryAfter is not null && metadataName == MetadataName.RetryAfter.Name;
        }
    }

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
