using System.Net;
using MaxMind.Db;
using RazorIpInfo.Lookup.DataFiles;

namespace RazorIpInfo.Lookup.GeoDb;

/// <summary>
/// How an MMDB file is checked and read into memory, for <see cref="ReloadingFile{T}"/>. Any MMDB file
/// (city, AS) can be loaded this way: the checks know the format, not the content.
/// </summary>
/// <remarks>
/// Operators copy over the live file (<c>cp new.mmdb live.mmdb</c> writes in place) or truncate it. A
/// memory-mapped reader then reads pages that no longer exist and the process dies; a copy in memory
/// cannot be changed under us. Before anything is read whole, the file's tail must hold the MMDB
/// metadata marker, so a foreign file costs one small read.
/// </remarks>
internal static class GeoDbFile
{
    /// <summary>The format puts its metadata after this marker within the last 128 KiB of the file.</summary>
    private static readonly byte[] MetadataMarker = [0xAB, 0xCD, 0xEF, .. "MaxMind.com"u8];

    private const int MetadataWindow = 128 * 1024;

    public static DataFileKind<Reader> Kind(int requiredIpVersion, long maxBytes) =>
        new("Offline geolocation database", maxBytes, "GeoDb:MaxFileBytes", path => Load(path, requiredIpVersion));

    private static (Reader, string) Load(string path, int requiredIpVersion)
    {
        if (!HasMetadataMarker(path))
        {
            throw new InvalidDataException("it is not a MaxMind database, or it is incomplete: copy the whole file beside it and rename it over");
        }

        var reader = new Reader(path, FileAccessMode.Memory);

        // An IPv6 address looked up in an IPv4-only database silently lands on an unrelated IPv4 record.
        if (reader.Metadata.IPVersion is var version && version < requiredIpVersion)
        {
            throw new InvalidDataException($"it is an IPv{version} database; IPv{requiredIpVersion} is needed");
        }

        // A tree that leads outside the file, or records that do not decode, fail here rather than in a visitor's lookup.
        try
        {
            foreach (var probe in SanityProbes(reader.Metadata.IPVersion))
            {
                reader.Find<Dictionary<string, object>>(probe);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new InvalidDataException("a test lookup failed: " + ex.Message, ex);
        }

        return (reader, $"{reader.Metadata.DatabaseType}, built {reader.Metadata.BuildDate:yyyy-MM-dd}");
    }

    private static bool HasMetadataMarker(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var window = (int)Math.Min(MetadataWindow, file.Length);
        var tail = new byte[window];
        file.Seek(-window, SeekOrigin.End);
        file.ReadExactly(tail);
        return tail.AsSpan().LastIndexOf(MetadataMarker) >= 0;
    }

    private static IEnumerable<IPAddress> SanityProbes(int ipVersion) => ipVersion == 6
        ? [IPAddress.Parse("2001:4860:4860::8888"), IPAddress.Parse("2a00:1450::1"), IPAddress.Parse("8.8.8.8")]
        : [IPAddress.Parse("8.8.8.8"), IPAddress.Parse("1.1.1.1"), IPAddress.Parse("81.2.69.160")];
}
