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

    /// <summary>How long an answer (including "no such name") is reused: short, as DNS answers change.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromMinutes(1);
}
