using System.Net;
using MaxMind.Db;

namespace RazorIpInfo.Lookup.GeoDb;

internal enum GeoDbFileState
{
    Loaded,
    Missing,
    Unusable,
}

/// <summary>
/// One MMDB file, held in memory, that follows replacements on disk. Each lookup compares the file's
/// size and modification time (one stat) with those last seen and, when they differ, checks the new
/// file and swaps it in only if it is a sound database; otherwise the last good copy keeps answering.
/// Any MMDB file (city, AS) can be loaded this way: the checks know the format, not the content.
/// </summary>
/// <remarks>
/// Operators copy over the live file (<c>cp new.mmdb live.mmdb</c> writes in place) or truncate it. A
/// memory-mapped reader then reads pages that no longer exist and the process dies; a copy in memory
/// cannot be changed under us. Before anything is read whole, the size is bounded and the file's tail
/// must hold the MMDB metadata marker, so a huge or foreign file costs one stat and one small read.
/// </remarks>
internal sealed partial class GeoDbFile(string path, int requiredIpVersion, long maxBytes, ILogger logger) : IDisposable
{
    /// <summary>The format puts its metadata after this marker within the last 128 KiB of the file.</summary>
    private static readonly byte[] MetadataMarker = [0xAB, 0xCD, 0xEF, .. "MaxMind.com"u8];

    private const int MetadataWindow = 128 * 1024;

    private readonly Lock gate = new();
    private Reader? current;
    private Stamp? seen;
    private bool failing;

    public string Path => path;

    public DateTimeOffset? BuildDate => Volatile.Read(ref current)?.Metadata.BuildDate;

    /// <summary>Loads the file if it has changed since the last look, and says what is loaded now.</summary>
    public GeoDbFileState Refresh()
    {
        var stamp = Stamp.Of(path);
        if (stamp != Volatile.Read(ref seen))
        {
            lock (gate)
            {
                // Looked at again under the lock: another lookup may have loaded a newer file meanwhile,
                // and this one's stamp would then be stale.
                stamp = Stamp.Of(path);
                if (stamp != seen)
                {
                    Volatile.Write(ref seen, Load(stamp));
                }
            }
        }

        return Volatile.Read(ref current) is not null ? GeoDbFileState.Loaded
            : stamp is null ? GeoDbFileState.Missing
            : GeoDbFileState.Unusable;
    }

    /// <summary>False when no usable copy is loaded; otherwise the record, null when the file has none.</summary>
    public bool TryFind(IPAddress address, out GeoDbRecord? record)
    {
        record = null;
        Refresh();
        if (Volatile.Read(ref current) is not { } reader)
        {
            return false;
        }

        record = reader.Find<GeoDbRecord>(address);
        return true;
    }

    // A reader over memory holds no file or mapping: a replaced one is left to the garbage collector, so
    // a lookup still reading from it finishes undisturbed.
    public void Dispose() => Volatile.Write(ref current, null);

    /// <summary>Loads the file now at the path and returns the stamp of what was looked at (null: look again).</summary>
    private Stamp? Load(Stamp? stamp)
    {
        if (stamp is null)
        {
            if (current is not null)
            {
                LogRemoved(logger, path);
            }

            return null;
        }

        Reader reader;
        try
        {
            if (Problem(stamp) is { } problem)
            {
                Unusable(problem);
                return stamp;
            }

            reader = new Reader(path, FileAccessMode.Memory);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Whatever a damaged or foreign file makes the reader throw (not only InvalidDatabaseException:
            // a cut metadata section fails with index and cast errors), it is the file's fault, not the site's.
            Unusable(ex.Message);
            return stamp;
        }

        // Written to while it was read (a copy in progress): what was read may be half of it, so nothing
        // is concluded and the next lookup looks again.
        if (Stamp.Of(path) != stamp)
        {
            return null;
        }

        // An IPv6 address looked up in an IPv4-only database silently lands on an unrelated IPv4 record.
        if (reader.Metadata.IPVersion is var version && version < requiredIpVersion)
        {
            Unusable($"it is an IPv{version} database; IPv{requiredIpVersion} is needed");
            return stamp;
        }

        if (SanityProblem(reader) is { } broken)
        {
            Unusable(broken);
            return stamp;
        }

        Volatile.Write(ref current, reader);
        failing = false;
        LogLoaded(logger, path, reader.Metadata.DatabaseType, reader.Metadata.BuildDate);
        return stamp;
    }

    /// <summary>What is wrong with the file before it is read whole, from its size and its last bytes.</summary>
    private string? Problem(Stamp stamp)
    {
        if (stamp.Length > maxBytes)
        {
            return $"it is {stamp.Length / (1024 * 1024)} MB, more than GeoDb:MaxFileBytes allows ({maxBytes / (1024 * 1024)} MB)";
        }

        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var window = (int)Math.Min(MetadataWindow, file.Length);
        var tail = new byte[window];
        file.Seek(-window, SeekOrigin.End);
        file.ReadExactly(tail);
        return tail.AsSpan().LastIndexOf(MetadataMarker) < 0
            ? "it is not a MaxMind database, or it is incomplete: copy the whole file beside it and rename it over"
            : null;
    }

    /// <summary>A tree that leads outside the file, or records that do not decode, fail here rather than in a visitor's lookup.</summary>
    private static string? SanityProblem(Reader reader)
    {
        try
        {
            foreach (var probe in SanityProbes(reader.Metadata.IPVersion))
            {
                reader.Find<Dictionary<string, object>>(probe);
            }

            return null;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return "a test lookup failed: " + ex.Message;
        }
    }

    private static IEnumerable<IPAddress> SanityProbes(int ipVersion) => ipVersion == 6
        ? [IPAddress.Parse("2001:4860:4860::8888"), IPAddress.Parse("2a00:1450::1"), IPAddress.Parse("8.8.8.8")]
        : [IPAddress.Parse("8.8.8.8"), IPAddress.Parse("1.1.1.1"), IPAddress.Parse("81.2.69.160")];

    // One line when a bad file arrives, not one per step of a copy still in progress.
    private void Unusable(string reason)
    {
        if (!failing)
        {
            failing = true;
            if (current is not null)
            {
                LogKeptPrevious(logger, path, reason);
            }
            else
            {
                LogUnusable(logger, path, reason);
            }
        }
    }

    private sealed record Stamp(long Length, DateTime LastWriteUtc)
    {
        public static Stamp? Of(string path)
        {
            var file = new FileInfo(path);
            return file.Exists ? new Stamp(file.Length, file.LastWriteTimeUtc) : null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Offline geolocation database {Path} loaded: {DatabaseType}, built {BuildDate:yyyy-MM-dd}")]
    private static partial void LogLoaded(ILogger logger, string path, string databaseType, DateTime buildDate);

    [LoggerMessage(Level = LogLevel.Error, Message = "Offline geolocation database {Path} cannot be used ({Reason}); it is ignored until the file is replaced")]
    private static partial void LogUnusable(ILogger logger, string path, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Offline geolocation database {Path} was replaced by a file that cannot be used ({Reason}); the copy loaded before keeps answering until a good file is in place")]
    private static partial void LogKeptPrevious(ILogger logger, string path, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Offline geolocation database {Path} was removed; the copy already loaded keeps answering")]
    private static partial void LogRemoved(ILogger logger, string path);
}
