using System.Diagnostics;
using System.Numerics;

namespace RazorIpInfo.Lookup.Networks;

/// <summary>
/// One CSV file of the network data and the table built from it, following replacements on disk. At
/// most once per <see cref="NetworkOptions.ReloadCheckInterval"/> a lookup compares the file's size and
/// modification time with those of the loaded copy; when they differ, that lookup builds a new table
/// and swaps it in. A file that is missing, too large or unreadable is refused whole, with one log
/// line, and the last good table keeps answering.
/// </summary>
/// <remarks>
/// The table lives in managed memory, not in a mapping of the file, so a file truncated or rewritten
/// in place cannot fault a lookup: it is only ever read whole and checked before use.
/// </remarks>
internal sealed partial class NetworkFile<T>(string path, NetworkOptions options, TimeProvider time, ILogger logger)
    where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
{
    private readonly Lock gate = new();
    private NetworkTable<T>? current;
    private Stamp? seen;
    private long nextCheck = long.MinValue;

    public string Path => path;

    /// <summary>The table in use, after a look at the file when one is due; null when none has ever loaded.</summary>
    public NetworkTable<T>? Table
    {
        get
        {
            var now = time.GetTimestamp();
            if (now >= Volatile.Read(ref nextCheck))
            {
                Refresh(now);
            }

            return Volatile.Read(ref current);
        }
    }

    private void Refresh(long now)
    {
        // One lookup rebuilds; the others keep answering from the table already loaded. With none
        // loaded yet there is nothing to answer from, so they wait for the first load.
        var wait = Volatile.Read(ref current) is null;
        if (!(wait ? gate.TryEnter(Timeout.InfiniteTimeSpan) : gate.TryEnter()))
        {
            return;
        }

        try
        {
            if (now < nextCheck)
            {
                return;
            }

            var stamp = Stamp.Of(path);
            if (stamp != seen)
            {
                seen = Load(stamp);
            }

            Volatile.Write(ref nextCheck, now + (long)(options.ReloadCheckInterval.TotalSeconds * time.TimestampFrequency));
        }
        finally
        {
            gate.Exit();
        }
    }

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

        if (stamp.Length > options.MaxFileBytes)
        {
            LogUnusable(logger, path, $"it is {stamp.Length} bytes, more than Networks:MaxFileBytes ({options.MaxFileBytes})");
            return stamp;
        }

        var started = Stopwatch.GetTimestamp();
        NetworkTable<T> table;
        try
        {
            using var reader = new StreamReader(path, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.ReadWrite | FileShare.Delete });
            table = NetworkTable.Read<T>(new LimitedReader(reader, options.MaxFileBytes));
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            LogUnusable(logger, path, ex.Message);
            return stamp;
        }

        // Replaced while it was read: the stamp would not describe what is loaded, so look again next time.
        var loaded = Stamp.Of(path) == stamp ? stamp : null;
        Volatile.Write(ref current, table);
        var milliseconds = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        LogLoaded(logger, path, table.Count, table.HolderCount, milliseconds);
        return loaded;
    }

    private sealed record Stamp(long Length, DateTime LastWriteUtc)
    {
        public static Stamp? Of(string path)
        {
            var file = new FileInfo(path);
            return file.Exists ? new Stamp(file.Length, file.LastWriteTimeUtc) : null;
        }
    }

    /// <summary>Stops reading at the size cap, so a file that grows while it is read cannot exhaust memory.</summary>
    private sealed class LimitedReader(TextReader inner, long maxChars) : TextReader
    {
        private long read;

        public override string? ReadLine()
        {
            var line = inner.ReadLine();
            read += (line?.Length ?? 0) + 1;
            return read > maxChars ? throw new InvalidDataException("it grew past Networks:MaxFileBytes while being read") : line;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Offline network database {Path} loaded: {Ranges} ranges, {Holders} holders, in {Milliseconds} ms")]
    private static partial void LogLoaded(ILogger logger, string path, int ranges, int holders, long milliseconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Offline network database {Path} cannot be used ({Reason}); the copy already loaded, if any, keeps answering")]
    private static partial void LogUnusable(ILogger logger, string path, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Offline network database {Path} was removed; the copy already loaded keeps answering")]
    private static partial void LogRemoved(ILogger logger, string path);
}
