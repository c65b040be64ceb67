using System.Globalization;
using System.Numerics;

namespace RazorIpInfo.Lookup.Networks;

/// <summary>The holder of an autonomous system as the data names it.</summary>
public sealed record AsHolder(uint Number, string Organisation);

/// <summary>One address range of the data and who announces it.</summary>
public readonly record struct NetworkRange<T>(T First, T Last, AsHolder Holder);

/// <summary>
/// One address family's ranges, immutable once built: sorted range starts and ends as plain integers
/// (<see cref="uint"/> for IPv4, <see cref="UInt128"/> for IPv6) and for each range an index into a
/// table of distinct holders. A lookup is a binary search over the starts: no allocation, no locks.
/// </summary>
public sealed class NetworkTable<T> where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
{
    private readonly T[] firsts;
    private readonly T[] lasts;
    private readonly int[] holderOf;

    // Sorted by AS number, so the ranges of one AS are those whose holder index lies in one span.
    private readonly AsHolder[] holders;

    internal NetworkTable(T[] firsts, T[] lasts, int[] holderOf, AsHolder[] holders, int overlaps)
    {
        this.firsts = firsts;
        this.lasts = lasts;
        this.holderOf = holderOf;
        this.holders = holders;
        Overlaps = overlaps;
    }

    public int Count => firsts.Length;

    public int HolderCount => holders.Length;

    /// <summary>Ranges that began inside the one before and cut it short (the data has a few).</summary>
    public int Overlaps { get; }

    public bool TryFind(T address, out NetworkRange<T> range)
    {
        // The last range starting at or below the address; it holds the address unless there is a gap.
        var index = Array.BinarySearch(firsts, address);
        if (index < 0)
        {
            index = ~index - 1;
        }

        if (index >= 0 && address <= lasts[index])
        {
            range = new NetworkRange<T>(firsts[index], lasts[index], holders[holderOf[index]]);
            return true;
        }

        range = default;
        return false;
    }

    /// <summary>
    /// The ranges that share addresses with <paramref name="first"/>–<paramref name="last"/>: how many (two binary
    /// searches, however large the span: ::/0 is not enumerated) and the first <paramref name="limit"/> of them.
    /// </summary>
    public (int Count, List<NetworkRange<T>> Ranges) Overlapping(T first, T last, int limit)
    {
        // The first range starting at or after the span's start, or the one before it when that reaches into the span.
        var start = Array.BinarySearch(firsts, first);
        start = start < 0 ? ~start : start;
        if (start > 0 && lasts[start - 1] >= first)
        {
            start--;
        }

        // Past the last range starting inside the span.
        var end = Array.BinarySearch(firsts, last);
        end = end < 0 ? ~end : end + 1;

        var count = Math.Max(0, end - start);
        var ranges = new List<NetworkRange<T>>(Math.Min(count, limit));
        for (var i = start; i < end && ranges.Count < limit; i++)
        {
            ranges.Add(new NetworkRange<T>(firsts[i], lasts[i], holders[holderOf[i]]));
        }

        return (count, ranges);
    }

    /// <summary>The holder records of <paramref name="asNumber"/>, and its ranges in address order.</summary>
    public (AsHolder? Holder, List<NetworkRange<T>> Ranges) RangesOf(uint asNumber)
    {
        var (low, high) = HolderSpan(asNumber);
        var ranges = new List<NetworkRange<T>>();
        if (low > high)
        {
            return (null, ranges);
        }

        for (var i = 0; i < holderOf.Length; i++)
        {
            if (holderOf[i] >= low && holderOf[i] <= high)
            {
                ranges.Add(new NetworkRange<T>(firsts[i], lasts[i], holders[holderOf[i]]));
            }
        }

        return (holders[low], ranges);
    }

    private (int Low, int High) HolderSpan(uint asNumber)
    {
        int low = 0, high = holders.Length;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (holders[middle].Number < asNumber)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        var end = low;
        while (end < holders.Length && holders[end].Number == asNumber)
        {
            end++;
        }

        return (low, end - 1);
    }
}

/// <summary>Builds <see cref="NetworkTable{T}"/>s from the data's files.</summary>
public static class NetworkTable
{
    /// <summary>
    /// Reads the ip-location-db "num" CSV (<c>first,last,as_number,organisation</c>, decimal numbers,
    /// ascending). Every row must read and the starts must rise; anything else throws
    /// <see cref="InvalidDataException"/> naming the line, so a damaged file is refused whole.
    /// </summary>
    public static NetworkTable<T> Read<T>(TextReader reader)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var firsts = new List<T>();
        var lasts = new List<T>();
        var holderOf = new List<int>();
        // Organisation names repeat across ranges: each distinct one is allocated once, looked up by span.
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        var nameLookup = names.GetAlternateLookup<ReadOnlySpan<char>>();
        var nameList = new List<string>();
        var holderIndex = new Dictionary<ulong, int>();
        var holderList = new List<AsHolder>();
        var overlaps = 0;
        var line = 0;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (text.Length == 0)
            {
                continue;
            }

            if (!TryParseRow(text, out T first, out T last, out var asNumber, out var organisation) || first > last)
            {
                throw new InvalidDataException($"line {line} is not a range row");
            }

            if (firsts.Count > 0)
            {
                if (first <= firsts[^1])
                {
                    throw new InvalidDataException($"line {line} is out of order");
                }

                // A range starting inside the previous one is the narrower announcement: it takes
                // the shared addresses, and the earlier range ends where it begins.
                if (first <= lasts[^1])
                {
                    lasts[^1] = first - T.One;
                    overlaps++;
                }
            }

            if (!nameLookup.TryGetValue(organisation, out var name))
            {
                var unquoted = organisation.Contains("\"\"", StringComparison.Ordinal)
                    ? organisation.ToString().Replace("\"\"", "\"", StringComparison.Ordinal)
                    : organisation.ToString();
                name = nameList.Count;
                nameList.Add(unquoted);
                nameLookup[organisation] = name;
            }

            var key = ((ulong)asNumber << 32) | (uint)name;
            if (!holderIndex.TryGetValue(key, out var holder))
            {
                holder = holderList.Count;
                holderList.Add(new AsHolder(asNumber, nameList[name]));
                holderIndex.Add(key, holder);
            }

            firsts.Add(first);
            lasts.Add(last);
            holderOf.Add(holder);
        }

        if (firsts.Count == 0)
        {
            throw new InvalidDataException("it holds no ranges");
        }

        // Holders in AS-number order; ranges point at them through the permutation.
        var order = Enumerable.Range(0, holderList.Count).ToArray();
        Array.Sort(order, (a, b) => holderList[a].Number.CompareTo(holderList[b].Number) is var byNumber and not 0
            ? byNumber
            : a.CompareTo(b));
        var position = new int[order.Length];
        for (var i = 0; i < order.Length; i++)
        {
            position[order[i]] = i;
        }

        var remapped = holderOf.Select(h => position[h]).ToArray();
        return new NetworkTable<T>([.. firsts], [.. lasts], remapped, [.. order.Select(i => holderList[i])], overlaps);
    }

    private static bool TryParseRow<T>(string text, out T first, out T last, out uint asNumber, out ReadOnlySpan<char> organisation)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        first = last = T.Zero;
        asNumber = 0;
        organisation = default;
        var rest = text.AsSpan();
        if (!TryTake(ref rest, out var firstText) || !TryTake(ref rest, out var lastText) || !TryTake(ref rest, out var asText) ||
            !T.TryParse(firstText, NumberStyles.None, CultureInfo.InvariantCulture, out first) ||
            !T.TryParse(lastText, NumberStyles.None, CultureInfo.InvariantCulture, out last) ||
            !uint.TryParse(asText, NumberStyles.None, CultureInfo.InvariantCulture, out asNumber))
        {
            return false;
        }

        // The organisation is the rest of the line, quoted when it holds a comma; "" inside quotes is one quote.
        if (rest.Length >= 2 && rest[0] == '"' && rest[^1] == '"')
        {
            organisation = rest[1..^1].Trim();
        }
        else if (rest.IndexOf('"') < 0)
        {
            organisation = rest.Trim();
        }
        else
        {
            return false;
        }

        return true;
    }

    private static bool TryTake(ref ReadOnlySpan<char> rest, out ReadOnlySpan<char> field)
    {
        var comma = rest.IndexOf(',');
        if (comma <= 0)
        {
            field = default;
            return false;
        }

        field = rest[..comma];
        rest = rest[(comma + 1)..];
        return true;
    }
}
