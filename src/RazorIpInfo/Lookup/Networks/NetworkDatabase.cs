using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Numerics;
using Microsoft.Extensions.Options;
using RazorIpInfo.Lookup.DataFiles;

namespace RazorIpInfo.Lookup.Networks;

/// <summary>What the offline network data says about one address.</summary>
/// <param name="Prefix">The range the address is in, as a CIDR block (see <see cref="NetworkDatabase.Cidr{T}"/>).</param>
public sealed record NetworkMatch(uint AsNumber, string Organisation, string Prefix);

/// <summary>One range an AS announces: as CIDR when it is one block, else "first – last"; and its first address.</summary>
public sealed record AsPrefix(string Text, string FirstAddress);

/// <summary>One range of the data and the AS announcing it.</summary>
public sealed record AnnouncedRange(string Prefix, string FirstAddress, uint AsNumber, string Organisation);

/// <summary>
/// Who announces a network: <paramref name="Covering"/> when one range holds all of it, else <paramref name="Count"/>
/// ranges share addresses with it, of which <paramref name="Listed"/> are the first.
/// </summary>
public sealed record NetworkAnnouncements(AnnouncedRange? Covering, int Count, IReadOnlyList<AnnouncedRange> Listed);

/// <summary>Everything the data says about one autonomous system.</summary>
public sealed record AsSummary(uint Number, string Organisation, int Ipv4Prefixes, ulong Ipv4Addresses, int Ipv6Prefixes, UInt128 Ipv6Addresses, IReadOnlyList<AsPrefix> Prefixes);

/// <summary>
/// The offline network data (ip-location-db's ASN files): AS number, organisation and prefix of any
/// address, and each AS's ranges, without any network. Both files load on their own; either may be missing.
/// </summary>
public sealed class NetworkDatabase
{
    /// <summary>The sources, as the data's CC BY 4.0 licences ask every page showing it to credit them.</summary>
    public const string Attribution = "RouteViews, NRO and DB-IP";

    private readonly ReloadingFile<NetworkTable<uint>> ipv4;
    private readonly ReloadingFile<NetworkTable<UInt128>> ipv6;

    public NetworkDatabase(IOptions<NetworkOptions> options, IHostEnvironment environment, TimeProvider time, ILogger<NetworkDatabase> logger)
    {
        Directory = DataFolder.Resolve(options.Value.Directory, environment.ContentRootPath);
        var (interval, maxBytes) = (options.Value.ReloadCheckInterval, options.Value.MaxFileBytes);
        ipv4 = new(Path.Combine(Directory, NetworkOptions.Ipv4File), NetworkFile.Kind<uint>(maxBytes), interval, time, logger);
        ipv6 = new(Path.Combine(Directory, NetworkOptions.Ipv6File), NetworkFile.Kind<UInt128>(maxBytes), interval, time, logger);
    }

    /// <summary>The folder the files are read from, after resolving a relative setting.</summary>
    public string Directory { get; }

    /// <summary>The files that have never loaded, by name: empty when both answer.</summary>
    public IReadOnlyList<string> Unloaded =>
        [.. new[] { (ipv4.Current is null, ipv4.Path), (ipv6.Current is null, ipv6.Path) }.Where(f => f.Item1).Select(f => Path.GetFileName(f.Path))];

    public NetworkMatch? Find(IPAddress address)
    {
        address = AddressInput.Normalise(address);
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out var written))
        {
            return null;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork && written == 4)
        {
            return Match(ipv4.Current, BinaryPrimitives.ReadUInt32BigEndian(bytes));
        }

        return address.AddressFamily == AddressFamily.InterNetworkV6 && written == 16
            ? Match(ipv6.Current, BinaryPrimitives.ReadUInt128BigEndian(bytes))
            : null;
    }

    /// <summary>
    /// Who announces <paramref name="network"/>: the one range covering it all, or else the ranges inside it (the
    /// first <paramref name="limit"/>, and how many there are). Null when the family's file is not loaded.
    /// </summary>
    public NetworkAnnouncements? Announcements(IPNetwork network, int limit)
    {
        var first = network.BaseAddress.GetAddressBytes();
        var last = NetworkFigures.Last(network).GetAddressBytes();
        return NetworkFigures.IsIpv4(network)
            ? Announcements(ipv4.Current, BinaryPrimitives.ReadUInt32BigEndian(first), BinaryPrimitives.ReadUInt32BigEndian(last), limit)
            : Announcements(ipv6.Current, BinaryPrimitives.ReadUInt128BigEndian(first), BinaryPrimitives.ReadUInt128BigEndian(last), limit);
    }

    private static NetworkAnnouncements? Announcements<T>(NetworkTable<T>? table, T first, T last, int limit)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        if (table is null)
        {
            return null;
        }

        var (count, ranges) = table.Overlapping(first, last, Math.Max(1, limit));
        if (count == 1 && ranges[0].First <= first && ranges[0].Last >= last)
        {
            // The data's ranges do not overlap, so the one holding the whole network is the most specific announcement.
            var (block, length) = Cidr(first, ranges[0].First, ranges[0].Last);
            return new NetworkAnnouncements(Announced(ranges[0]) with { Prefix = $"{ToAddress(block)}/{length}" }, 1, []);
        }

        return new NetworkAnnouncements(null, count, [.. ranges.Take(limit).Select(Announced)]);
    }

    private static AnnouncedRange Announced<T>(NetworkRange<T> range)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var described = Describe(range.First, range.Last);
        return new AnnouncedRange(described.Text, described.FirstAddress, range.Holder.Number, range.Holder.Organisation);
    }

    /// <summary>Null when no loaded file names the AS.</summary>
    public AsSummary? DescribeAs(uint asNumber)
    {
        var (holder4, ranges4) = ipv4.Current?.RangesOf(asNumber) ?? (null, []);
        var (holder6, ranges6) = ipv6.Current?.RangesOf(asNumber) ?? (null, []);
        if ((holder4 ?? holder6) is not { } holder)
        {
            return null;
        }

        var prefixes = new List<AsPrefix>(ranges4.Count + ranges6.Count);
        var addresses4 = 0UL;
        foreach (var range in ranges4)
        {
            addresses4 += (ulong)(range.Last - range.First) + 1;
            prefixes.Add(Describe(range.First, range.Last));
        }

        var addresses6 = UInt128.Zero;
        foreach (var range in ranges6)
        {
            // Saturates rather than wraps: only the whole IPv6 space would reach it.
            var size = range.Last - range.First;
            addresses6 = UInt128.MaxValue - addresses6 <= size ? UInt128.MaxValue : addresses6 + size + 1;
            prefixes.Add(Describe(range.First, range.Last));
        }

        return new AsSummary(asNumber, holder.Organisation, ranges4.Count, addresses4, ranges6.Count, addresses6, prefixes);
    }

    /// <summary>
    /// Adds the prefix, and the AS and organisation where the provider left them out. A provider's own
    /// AS data (ip-api.com's) is kept: it is fresher than a daily file.
    /// </summary>
    public IpInfo Enrich(IpInfo info)
    {
        if (!IPAddress.TryParse(info.Address, out var address) || Find(address) is not { } match)
        {
            return info;
        }

        return info with
        {
            AsNumber = info.AsNumber ?? $"AS{match.AsNumber}",
            AsName = info.AsNumber is null ? info.AsName ?? match.Organisation : info.AsName,
            Organisation = info.Organisation ?? match.Organisation,
            Network = match.Prefix,
        };
    }

    private static NetworkMatch? Match<T>(NetworkTable<T>? table, T address)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        if (table is null || !table.TryFind(address, out var range))
        {
            return null;
        }

        var (block, length) = Cidr(address, range.First, range.Last);
        return new NetworkMatch(range.Holder.Number, range.Holder.Organisation, $"{ToAddress(block)}/{length}");
    }

    /// <summary>
    /// The CIDR block of a range that holds the address. A range that is one block is itself; one that
    /// is not (1.0.128.0–1.0.196.255) is split as a router would announce it, into the fewest aligned
    /// blocks, and the answer is the block among them holding the address: the largest aligned block
    /// that contains the address and lies wholly inside the range.
    /// </summary>
    public static (T Block, int Length) Cidr<T>(T address, T first, T last)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var bits = T.AllBitsSet.GetByteCount() * 8;
        for (var length = 0; length < bits; length++)
        {
            var host = T.AllBitsSet >>> length;
            var block = address & ~host;
            if (block >= first && (block | host) <= last)
            {
                return (block, length);
            }
        }

        return (address, bits);
    }

    /// <summary>The range as one CIDR block when it is one, else as its first and last address.</summary>
    internal static AsPrefix Describe<T>(T first, T last)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var (block, length) = Cidr(first, first, last);
        var bits = T.AllBitsSet.GetByteCount() * 8;
        var single = block == first && (length == bits ? first == last : (first | (T.AllBitsSet >>> length)) == last);
        var start = ToAddress(first);
        return new AsPrefix(single ? $"{start}/{length}" : $"{start} – {ToAddress(last)}", start);
    }

    internal static string ToAddress<T>(T value)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        Span<byte> bytes = stackalloc byte[value.GetByteCount()];
        value.WriteBigEndian(bytes);
        return new IPAddress(bytes).ToString();
    }
}
