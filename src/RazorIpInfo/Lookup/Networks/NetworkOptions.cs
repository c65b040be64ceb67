using System.ComponentModel.DataAnnotations;

namespace RazorIpInfo.Lookup.Networks;

public sealed class NetworkOptions
{
    public const string Section = "Networks";
    public const string Ipv4File = "asn-ipv4-num.csv";
    public const string Ipv6File = "asn-ipv6-num.csv";

    /// <summary>
    /// Where the ip-location-db ASN files are; a relative path is resolved by <see cref="DataFiles.DataFolder"/>,
    /// so that it is the folder scripts/fetch-asn.sh fills (data/asn).
    /// </summary>
    [Required(AllowEmptyStrings = false)]
    public string Directory { get; set; } = "data/asn";

    /// <summary>How often a lookup looks at the files for a replacement; between looks a lookup touches no disk.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan ReloadCheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A file larger than this is refused unread: the real ones are about 21 MB and 11 MB.</summary>
    [Range(1, 2_000_000_000)]
    public long MaxFileBytes { get; set; } = 256 * 1024 * 1024;
}
