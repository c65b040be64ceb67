using System.ComponentModel.DataAnnotations;

namespace RazorIpInfo.Bulk;

public sealed class BulkOptions
{
    public const string Section = "Bulk";

    /// <summary>The most addresses one bulk lookup (page or API) may hold, after duplicates are removed.</summary>
    [Range(1, 10_000)]
    public int MaxAddresses { get; set; } = 1000;

    /// <summary>The largest pasted text, uploaded file or JSON body accepted, in bytes.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxInputBytes { get; set; } = 1024 * 1024;

    /// <summary>Addresses per upstream batch request; ip-api.com takes at most 100.</summary>
    [Range(1, 100)]
    public int BatchSize { get; set; } = 100;

    /// <summary>
    /// ip-api.com's budget for <c>POST /batch</c>, counted apart from single lookups and shared by every
    /// instance. Unset: 15 a minute (the free tier), or no limit with a pro key. 0: no limit.
    /// </summary>
    [Range(0, 1_000_000)]
    public int? BatchRequestsPerMinute { get; set; }

    /// <summary>One batch attempt, body included. A batch is bigger than a single answer, so it gets longer.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan BatchAttemptTimeout { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>A whole batch exchange, retries and the response body included.</summary>
    [Range(typeof(TimeSpan), "00:00:00.200", "00:02:00")]
    public TimeSpan BatchTotalTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A batch is paid for per attempt from a small budget, so it is retried at most this often.</summary>
    [Range(0, 3)]
    public int BatchMaxRetries { get; set; } = 1;

    /// <summary>100 full answers are about 40 KB (more in Japanese or Russian); anything near this is not ip-api.com.</summary>
    [Range(16 * 1024, 16 * 1024 * 1024)]
    public int MaxBatchResponseBytes { get; set; } = 1024 * 1024;

    public int EffectiveBatchRequestsPerMinute(string? key) =>
        BatchRequestsPerMinute ?? (string.IsNullOrEmpty(key) ? 15 : 0);
}
