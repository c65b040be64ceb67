using System.ComponentModel.DataAnnotations;
using RazorIpInfo.Hosting;

namespace RazorIpInfo.Lookup.IpApi;

public sealed class IpApiOptions
{
    public const string Section = "IpApi";
    public const string FreeEndpoint = "http://ip-api.com";
    public const string ProEndpoint = "https://pro.ip-api.com";

    /// <summary>Where to send lookups. Empty means the free endpoint, or the pro one when a key is set.</summary>
    [HttpUrl]
    public string? BaseUrl { get; set; }

    /// <summary>The pro API key. Only ever read from configuration; never rendered or logged (nor echoed by its check).</summary>
    [RegularExpression(@"^[\x21-\x7E]*$", ErrorMessage = "{0} must be the key as ip-api.com gave it: printable characters, no spaces.")]
    public string? Key { get; set; }

    [Range(typeof(TimeSpan), "00:00:00.050", "00:00:30")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(2);

    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(5);

    [Range(0, 5)]
    public int MaxRetries { get; set; } = 2;

    /// <summary>A normal answer is under 1 KB; anything near this is not ip-api.com talking.</summary>
    [Range(1024, 1024 * 1024)]
    public int MaxResponseBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// The upstream's request budget per minute, shared by every instance. Unset: 45, the free tier's
    /// limit, or no limit with a pro key. 0: no limit.
    /// </summary>
    [Range(0, 1_000_000)]
    public int? RequestsPerMinute { get; set; }

    /// <summary>How long the circuit stays open after repeated failures, failing lookups fast.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How many calls the circuit breaker must have seen in its sampling window before it may open.</summary>
    [Range(2, 10_000)]
    public int CircuitMinimumThroughput { get; set; } = 5;

    public int EffectiveRequestsPerMinute => RequestsPerMinute ?? (string.IsNullOrEmpty(Key) ? 45 : 0);

    public Uri EffectiveBaseUrl => new(
        string.IsNullOrWhiteSpace(BaseUrl) ? (string.IsNullOrEmpty(Key) ? FreeEndpoint : ProEndpoint) : BaseUrl);
}
