namespace RazorIpInfo.Lookup.DataFiles;

public enum DataFileState
{
    Loaded,
    Missing,
    Unusable,
}

/// <summary>
/// One data file held in memory that follows the file on disk, for the offline city database and the
/// network data alike. At most once per check interval (every lookup when it is zero) a lookup compares
/// the file's size and modification time (one stat) with those last seen; when they differ, one lookup
/// reads the whole file, has it checked and built by the loader, and swaps it in only if it is sound,
/// while the others that saw the change wait for it. Otherwise the last good copy keeps answering, with
/// one log line per bad file.
/// </summary>
/// <remarks>
/// A file that is missing, in a folder that may not exist yet, is simply not there at this look: the
/// next look finds it once the fetch script has renamed it into place, with no restart and no watcher
/// (inotify watches are a per-user budget, and a watcher on a folder that does not exist cannot be set).
/// The copy lives in managed memory, not in a mapping of the file, so a file truncated or rewritten in
/// place cannot fault a lookup: it is only ever read whole and checked before use.
/// </remarks>
internal sealed partial class ReloadingFile<T>(string path, DataFileKind<T> kind, TimeSpan checkInterval, TimeProvider time, ILogger logger)
    where T : class
{
    private readonly Lock gate = new();
    private T? current;
    private Stamp? seen;
    private long nextCheck = long.MinValue;
    private bool failing;

    public string Path => path;

    /// <summary>The copy in use, after a look at the file when one is due; null when none has ever loaded.</summary>
    public T? Current
    {
        get
        {
            var now = time.GetTimestamp();
            if (now >= Volatile.Read(ref nextCheck))
            {
                Look(now);
            }

            return Volatile.Read(ref current);
        }
    }

    /// <summary>Looks at the file now, whatever the interval, and says what is loaded.</summary>
    public DataFileState Refresh()
    {
        Look(time.GetTimestamp());
        return Volatile.Read(ref current) is not null ? DataFileState.Loaded
            : Stamp.Of(path) is null ? DataFileState.Missing
            : DataFileState.Unusable;
    }

    private void Look(long now)
    {
        var stamp = Stamp.Of(path);
        if (stamp != Volatile.Read(ref seen))
        {
            // Only when the file has changed: lookups that see the change wait for the one loading it, so
            // the next lookup after a replacement answers from the new file, as the README says.
            lock (gate)
            {
                // Looked at again under the lock: another lookup may have loaded a newer file meanwhile.
                stamp = Stamp.Of(path);
                if (stamp != seen)
                {
                    Volatile.Write(ref seen, Load(stamp));
                }
            }
        }

        Volatile.Write(ref nextCheck, now + (long)(checkInterval.TotalSeconds * time.TimestampFrequency));
    }

    /// <summary>Loads the file now at the path and returns the stamp of what was looked at (null: look again).</summary>
    private Stamp? Load(Stamp? stamp)
    {
        if (stamp is null)
        {
            if (current is not null)
            {
                LogRemoved(logger, kind.Name, path);
            }

            return null;
        }

        if (stamp.Length > kind.MaxBytes)
        {
            Unusable($"it is {stamp.Length:N0} bytes, more than {kind.MaxBytesKey} allows ({kind.MaxBytes:N0})");
            return stamp;
        }

        T loaded;
        string description;
        try
        {
            (loaded, description) = kind.Load(path);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Whatever a damaged or foreign file makes a reader throw, it is the file's fault, not the site's.
            Unusable(ex.Message);
            return stamp;
        }

        // Written to while it was read (a copy in progress): what was read may be half of it, so nothing
        // is concluded and the next look looks again.
        if (Stamp.Of(path) != stamp)
        {
            return null;
        }

        Volatile.Write(ref current, loaded);
        failing = false;
        LogLoaded(logger, kind.Name, path, description);
        return stamp;
    }

    // One line when a bad file arrives, not one per look at a copy still in progress.
    private void Unusable(string reason)
    {
        if (failing)
        {
            return;
        }

        failing = true;
        if (current is not null)
        {
            LogKeptPrevious(logger, kind.Name, path, reason);
        }
        else
        {
            LogUnusable(logger, kind.Name, path, reason);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "{Data} {Path} loaded: {Description}")]
    private static partial void LogLoaded(ILogger logger, string data, string path, string description);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Data} {Path} cannot be used ({Reason}); it is ignored until the file is replaced")]
    private static partial void LogUnusable(ILogger logger, string data, string path, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Data} {Path} was replaced by a file that cannot be used ({Reason}); the copy loaded before keeps answering until a good file is in place")]
    private static partial void LogKeptPrevious(ILogger logger, string data, string path, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Data} {Path} was removed; the copy already loaded keeps answering")]
    private static partial void LogRemoved(ILogger logger, string data, string path);
}

/// <summary>
/// What kind of data a <see cref="ReloadingFile{T}"/> holds: its name in log lines, its size cap and the
/// setting that sets it, and how a file of it is read and checked. <see cref="Load"/> throws, with a
/// sentence an operator can act on, for a file that must not be used; it returns the loaded value and a
/// description of it for the log.
/// </summary>
internal sealed record DataFileKind<T>(string Name, long MaxBytes, string MaxBytesKey, Func<string, (T Value, string Description)> Load);
