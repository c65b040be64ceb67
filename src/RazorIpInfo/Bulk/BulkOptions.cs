using System.ComponentModel.DataAnnotations;

namespace RazorIpInfo.Bulk;

/// <summary>
/// What the bulk page and the batch API accept. How the upstream's batch endpoint is asked is bound from the
/// same section by <see cref="Lookup.IpApi.IpApiBatchOptions"/>.
/// </summary>
public sealed class BulkOptions
{
    public const string Section = "Bulk";

    /// <summary>The most addresses one bulk lookup (page or API) may hold, after duplicates are removed.</summary>
    [Range(1, 10_000)]
    public int MaxAddresses { get; set; } = 1000;

    /// <summary>The largest pasted text, uploaded file or JSON body accepted, in bytes.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxInputBytes { get; set; } = 1024 * 1024;
}
