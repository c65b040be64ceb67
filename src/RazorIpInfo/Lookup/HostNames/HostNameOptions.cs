using System.ComponentModel.DataAnnotations;

namespace RazorIpInfo.Lookup.HostNames;

public sealed class HostNameOptions
{
    public const string Section = "HostNames";

    /// <summary>How long a name may take to resolve before the visitor is told it failed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:30")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>The most addresses shown for one name; a name with hundreds would drown the card.</summary>
    [Range(1, 64)]
    public int MaxAddresses { get; set; } = 8;

    /// <summary>How long an answer with addresses is reused: short, as DNS answers change.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long "no such name" and "the resolver did not answer in time" are reused: long enough that a flood
    /// of one failing name asks the resolver once, short enough that a name that appears is soon found.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan NegativeCacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Resolutions running at once, each on a thread of its own (the system resolver blocks). Beyond this a
    /// name lookup is answered "too many name lookups at once" at once, rather than queued behind a slow resolver.
    /// A resolution the visitor stopped waiting for still counts until the resolver returns.
    /// </summary>
    [Range(1, 256)]
    public int MaxConcurrent { get; set; } = 16;
}
