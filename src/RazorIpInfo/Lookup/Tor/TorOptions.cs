using System.ComponentModel.DataAnnotations;
using RazorIpInfo.Hosting;

namespace RazorIpInfo.Lookup.Tor;

public sealed class TorOptions : IValidatableObject
{
    public const string Section = "Tor";

    /// <summary>The Tor Project's bulk exit list: one address per line, every exit that allows connections out.</summary>
    public const string DefaultExitListUrl = "https://check.torproject.org/torbulkexitlist";

    /// <summary>Where the list is downloaded from (a mirror's URL works alike); empty turns the flag off.</summary>
    [HttpUrl]
    public string? ExitListUrl { get; set; } = DefaultExitListUrl;

    /// <summary>Time between downloads; exits come and go over hours, and the list is one public file everyone fetches.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "1.00:00:00")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Age after which the list in use counts as stale (/readyz says Degraded).</summary>
    [Range(typeof(TimeSpan), "00:05:00", "30.00:00:00")]
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromHours(6);

    /// <summary>A larger list is refused and the previous one kept: the real one is a few tens of KB.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public long MaxListBytes { get; set; } = 4 * 1024 * 1024;

    public bool Enabled => !string.IsNullOrWhiteSpace(ExitListUrl);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (StaleAfter < RefreshInterval)
        {
            yield return new ValidationResult($"{Section}:{nameof(StaleAfter)} must not be shorter than {Section}:{nameof(RefreshInterval)}: every list would be stale before the next download.");
        }
    }
}
