using System.ComponentModel.DataAnnotations;

namespace RazorIpInfo.Lookup.Caching;

public sealed class LookupCacheOptions
{
    public const string Section = "Cache";

    /// <summary>
    /// The HMAC-SHA256 key that turns addresses into cache key names, so Redis never holds an address
    /// as a key. Every instance sharing a Redis server needs the same one.
    /// </summary>
    [MinLength(16)]
    public string? KeySecret { get; set; }

    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan SuccessTtl { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a definitive "no" from the provider (private, reserved, invalid) is kept.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan NegativeTtl { get; set; } = TimeSpan.FromHours(24);

    /// <summary>While an address keeps failing upstream, it is asked at most once per this interval.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan FailureBackoff { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the last good answer is kept to be shown, marked stale, when the provider fails.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "90.00:00:00")]
    public TimeSpan StaleWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>A Refresh click reaches the provider only when the cached answer is at least this old.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan RefreshMinAge { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long an instance keeps an entry in memory before reading Redis again, when Redis is
    /// configured. Short, so that one instance's refresh reaches the others soon.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan LocalExpirationWithRedis { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The in-memory cache's budget in bytes of serialized entries (one entry is about 1 KB).</summary>
    [Range(1024 * 1024, 1024L * 1024 * 1024)]
    public long LocalSizeLimitBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>An entry larger than this is not cached at all.</summary>
    [Range(4 * 1024, 1024 * 1024)]
    public int MaximumEntryBytes { get; set; } = 16 * 1024;
}
