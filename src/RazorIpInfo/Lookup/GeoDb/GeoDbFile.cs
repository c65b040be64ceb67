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
/// One memory-mapped MMDB file that follows replacements on disk. Each lookup compares the file's
/// size and modification time (one stat) with those of the loaded copy and, when they differ, opens
/// the new file and swaps it in; a file that cannot be opened leaves the previous copy serving.
/// </summary>
/// <remarks>
/// A replaced reader is disposed only after the last lookup using it has finished: disposing unmaps
/// the view, and a lookup still reading from it would fault. Replace the file by renaming a complete
/// new one over it (as scripts/fetch-geodb.sh does), never by writing into it: a mapped file that is
/// truncated in place can crash the process.
/// </remarks>
internal sealed partial class GeoDbFile(string path, int requiredIpVersion, ILogger logger) : IDisposable
{
    private readonly Lock gate = new();
    private Generation? current;
    private Stamp? seen;

    public string Path => path;

    public DateTimeOffset? BuildDate => Volatile.Read(ref current)?.Reader.Metadata.BuildDate;

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
        while (Volatile.Read(ref current) is { } generation)
        {
            if (!generation.TryAddReference())
            {
                // Retired between the read and the reference: a newer copy is in place, so look again.
                continue;
            }

            try
            {
                record = generation.Reader.Find<GeoDbRecord>(address);
                return true;
            }
            finally
            {
                generation.Release();
            }
        }

        return false;
    }

    public void Dispose()
    {
        lock (gate)
        {
            Interlocked.Exchange(ref current, null)?.Release();
        }
    }

    /// <summary>Loads the file now at the path and returns the stamp of what was looked at.</summary>
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
            reader = new Reader(path, FileAccessMode.MemoryMapped);
        }
        catch (Exception ex) when (ex is InvalidDatabaseException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            LogUnusable(logger, path, ex.Message);
            return stamp;
        }

        // Replaced while it was being opened: the stamp would not describe what is loaded, so the next
        // lookup reloads once more rather than keep a copy it cannot tell apart from the new file.
        var opened = Stamp.Of(path) == stamp ? stamp : null;

        // An IPv6 address looked up in an IPv4-only database silently lands on an unrelated IPv4 record.
        if (reader.Metadata.IPVersion is var version && version < requiredIpVersion)
        {
            reader.Dispose();
            LogUnusable(logger, path, $"it is an IPv{version} database; IPv{requiredIpVersion} is needed");
            return opened;
        }

        Interlocked.Exchange(ref current, new Generation(reader))?.Release();
        LogLoaded(logger, path, reader.Metadata.DatabaseType, reader.Metadata.BuildDate);
        return opened;
    }

    private sealed record Stamp(long Length, DateTime LastWriteUtc)
    {
        public static Stamp? Of(string path)
        {
            var file = new FileInfo(path);
            return file.Exists ? new Stamp(file.Length, file.LastWriteTimeUtc) : null;
        }
    }

    /// <summary>A loaded reader and the number of its users; the file itself counts as one until replaced.</summary>
    private sealed class Generation(Reader reader)
    {
        private int references = 1;

        public Reader Reader => reader;

        public bool TryAddReference()
        {
            var seen = Volatile.Read(ref references);
            while (seen > 0)
            {
                var before = Interlocked.CompareExchange(ref references, seen + 1, seen);
                if (before == seen)
                {
                    return true;
                }

                seen = before;
            }

            return false;
        }

        public void Release()
        {
            if (Interlocked.Decrement(ref references) == 0)
            {
                reader.Dispose();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Offline geolocation database {Path} loaded: {DatabaseType}, built {BuildDate:yyyy-MM-dd}")]
    private static partial void LogLoaded(ILogger logger, string path, string databaseType, DateTime buildDate);

    [LoggerMessage(Level = LogLevel.Error, Message = "Offline geolocation database {Path} cannot be used ({Reason}); it is ignored until the file is replaced")]
    private static partial void LogUnusable(ILogger logger, string path, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Offline geolocation database {Path} was removed; the copy already loaded keeps answering")]
    private static partial void LogRemoved(ILogger logger, string path);
}
