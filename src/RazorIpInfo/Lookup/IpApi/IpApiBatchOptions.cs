using System.ComponentModel.DataAnnotations;

namespace RazorIpInfo.Lookup.IpApi;

/// <summary>
/// ip-api.com's <c>POST /batch</c> as bulk lookups use it. Bound from the <c>Bulk</c> section, where an operator
/// looks for what bulk lookups do; the input limits in that section belong to the bulk page and API.
/// </summary>
public sealed class IpApiBatchOptions
{
    public const string Section = "Bulk";

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
    public TimeSpan BatchAttemptTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A whole batch exchange, retries and the response body included.</summary>
    [Range(typeof(TimeSpan), "00:00:00.200", "00:02:00")]
    public TimeSpan BatchTotalTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A batch is paid for per attempt from a small budget, so it is retried at most this often.</summary>
    [Range(0, 3)]
    public int BatchMaxRetries { get; set; } = 1;

    /// <summary>Failed batches in the breaker's window before it opens: a few, since each batch is a hundred lookups.</summary>
    [Range(2, 10_000)]
    public int BatchCircuitMinimumThroughput { get; set; } = 3;

    /// <summary>100 full answers are about 40 KB (more in Japanese or Russian); anything near this is not ip-api.com.</summary>
    [Range(16 * 1024, 16 * 1024 * 1024)]
    public int MaxBatchResponseBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// How long one bulk lookup waits for ip-api.com in all. What is still unanswered then goes to the next
    /// provider (the offline database), so the answer comes within the bulk request's own 12 s deadline
    /// (<c>RequestLimits:BulkRequestTimeout</c>) and the shipped nginx's 15 s read timeout.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:05:00")]
    public TimeSpan Deadline { get; set; } = TimeSpan.FromSeconds(10);

    public int EffectiveBatchRequestsPerMinute(string? key) =>
        BatchRequestsPerMinute ?? (string.IsNullOrEmpty(key) ? 15 : 0);
}
