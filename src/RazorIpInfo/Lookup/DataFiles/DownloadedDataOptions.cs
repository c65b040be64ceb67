using System.ComponentModel.DataAnnotations;

namespace RazorIpInfo.Lookup.DataFiles;

public sealed class DownloadedDataOptions
{
    public const string Section = "DownloadedData";

    /// <summary>
    /// Where the last good copy of each downloaded list is kept; a relative path is resolved by
    /// <see cref="DataFolder"/>, like <c>GeoDb:Directory</c>. The site must be able to write there.
    /// </summary>
    [Required(AllowEmptyStrings = false)]
    public string Directory { get; set; } = "data/downloads";
}
