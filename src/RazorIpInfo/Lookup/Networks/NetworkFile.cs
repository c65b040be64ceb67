using System.Diagnostics;
using System.Numerics;
using RazorIpInfo.Lookup.DataFiles;

namespace RazorIpInfo.Lookup.Networks;

/// <summary>How one CSV file of the network data is read into a table, for <see cref="ReloadingFile{T}"/>.</summary>
internal static class NetworkFile
{
    public static DataFileKind<NetworkTable<T>> Kind<T>(long maxBytes)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> =>
        new("Offline network database", maxBytes, "Networks:MaxFileBytes", path => Load<T>(path, maxBytes));

    private static (NetworkTable<T>, string) Load<T>(string path, long maxBytes)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var started = Stopwatch.GetTimestamp();
        using var reader = new StreamReader(path, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.ReadWrite | FileShare.Delete });
        var table = NetworkTable.Read<T>(new LimitedReader(reader, maxBytes));
        var milliseconds = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        return (table, $"{table.Count} ranges, {table.HolderCount} holders, in {milliseconds} ms");
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
}
