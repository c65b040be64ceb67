using System.Net;

namespace RazorIpInfo.Lookup;

public enum AddressKind
{
    Public,
    Loopback,
    Private,
    LinkLocal,
    SharedCgnat,
    Reserved,
}

/// <summary>
/// Classifies addresses before any upstream call: a provider has nothing to say about non-public ranges,
/// and asking it would spend quota on a known answer. The table is IANA's IPv4 and IPv6 Special-Purpose
/// Address Registries (RFC 6890 and its updates), every entry that is not globally reachable, plus
/// multicast and the IPv6 space IANA has not allocated for global unicast.
/// </summary>
public static class AddressScope
{
    private static readonly (IPNetwork Network, AddressKind Kind)[] Ipv4 =
    [
        (IPNetwork.Parse("0.0.0.0/8"), AddressKind.Reserved),          // "this network"
        (IPNetwork.Parse("10.0.0.0/8"), AddressKind.Private),
        (IPNetwork.Parse("100.64.0.0/10"), AddressKind.SharedCgnat),
        (IPNetwork.Parse("127.0.0.0/8"), AddressKind.Loopback),
        (IPNetwork.Parse("169.254.0.0/16"), AddressKind.LinkLocal),
        (IPNetwork.Parse("172.16.0.0/12"), AddressKind.Private),
        (IPNetwork.Parse("192.0.0.0/24"), AddressKind.Reserved),       // IETF protocol assignments
        (IPNetwork.Parse("192.0.2.0/24"), AddressKind.Reserved),       // documentation (TEST-NET-1)
        (IPNetwork.Parse("192.88.99.0/24"), AddressKind.Reserved),     // deprecated 6to4 relay anycast
        (IPNetwork.Parse("192.168.0.0/16"), AddressKind.Private),
        (IPNetwork.Parse("198.18.0.0/15"), AddressKind.Reserved),      // benchmarking
        (IPNetwork.Parse("198.51.100.0/24"), AddressKind.Reserved),    // documentation (TEST-NET-2)
        (IPNetwork.Parse("203.0.113.0/24"), AddressKind.Reserved),     // documentation (TEST-NET-3)
        (IPNetwork.Parse("224.0.0.0/4"), AddressKind.Reserved),        // multicast
        (IPNetwork.Parse("240.0.0.0/4"), AddressKind.Reserved),        // reserved, and 255.255.255.255
    ];

    // The registry's globally reachable exceptions inside 192.0.0.0/24 (PCP and TURN anycast).
    private static readonly IPNetwork[] Ipv4Global = [IPNetwork.Parse("192.0.0.9/32"), IPNetwork.Parse("192.0.0.10/32")];

    private static readonly (IPNetwork Network, AddressKind Kind)[] Ipv6 =
    [
        (IPNetwork.Parse("::1/128"), AddressKind.Loopback),
        (IPNetwork.Parse("::/96"), AddressKind.Reserved),              // unspecified and deprecated IPv4-compatible
        (IPNetwork.Parse("64:ff9b:1::/48"), AddressKind.Private),      // local-use IPv4/IPv6 translation
        (IPNetwork.Parse("100::/64"), AddressKind.Reserved),           // discard-only
        (IPNetwork.Parse("100:0:0:1::/64"), AddressKind.Reserved),     // dummy prefix
        (IPNetwork.Parse("2001::/23"), AddressKind.Reserved),          // IETF protocol assignments (Teredo, benchmarking, ORCHID)
        (IPNetwork.Parse("2001:db8::/32"), AddressKind.Reserved),      // documentation
        (IPNetwork.Parse("3fff::/20"), AddressKind.Reserved),          // documentation
        (IPNetwork.Parse("5f00::/16"), AddressKind.Reserved),          // segment routing SIDs
        (IPNetwork.Parse("fc00::/7"), AddressKind.Private),            // unique local
        (IPNetwork.Parse("fe80::/10"), AddressKind.LinkLocal),
        (IPNetwork.Parse("fec0::/10"), AddressKind.Private),           // deprecated site-local
        (IPNetwork.Parse("ff00::/8"), AddressKind.Reserved),           // multicast
    ];

    // The registry's globally reachable exceptions inside 2001::/23.
    private static readonly IPNetwork[] Ipv6Global =
    [
        IPNetwork.Parse("2001:1::1/128"), IPNetwork.Parse("2001:1::2/128"), IPNetwork.Parse("2001:1::3/128"),
        IPNetwork.Parse("2001:3::/32"), IPNetwork.Parse("2001:4:112::/48"), IPNetwork.Parse("2001:20::/28"),
        IPNetwork.Parse("2001:30::/28"),
    ];

    // Prefixes that carry an IPv4 address: the IPv6 address is as public as the one it embeds.
    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");
    private static readonly IPNetwork GlobalUnicast = IPNetwork.Parse("2000::/3");

    public static AddressKind Classify(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return Classify(address.MapToIPv4());
        }

        if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
        {
            return Ipv4Global.Any(n => n.Contains(address)) ? AddressKind.Public : Find(Ipv4, address) ?? AddressKind.Public;
        }

        if (Nat64.Contains(address))
        {
            return Classify(Embedded(address, offset: 12));
        }

        if (SixToFour.Contains(address))
        {
            return Classify(Embedded(address, offset: 2));
        }

        if (Ipv6Global.Any(n => n.Contains(address)))
        {
            return AddressKind.Public;
        }

        // Outside 2000::/3 IANA has allocated nothing for global unicast, so nothing there is public today.
        return Find(Ipv6, address) ?? (GlobalUnicast.Contains(address) ? AddressKind.Public : AddressKind.Reserved);
    }

    /// <summary>
    /// The kind of a whole network: that of the special-purpose range holding it, else public; and whether a
    /// public network also holds special-purpose ranges (0.0.0.0/0 holds them all), which nobody announces.
    /// </summary>
    public static (AddressKind Kind, bool IncludesNonPublic) Classify(IPNetwork network)
    {
        var first = network.BaseAddress;
        var ipv4 = NetworkFigures.IsIpv4(network);
        if (network.PrefixLength == NetworkFigures.AddressBits(network))
        {
            return (Classify(first), false);
        }

        var (special, global) = ipv4 ? (Ipv4, Ipv4Global) : (Ipv6, Ipv6Global);
        if (global.Any(g => Holds(g, network)))
        {
            return (AddressKind.Public, false);
        }

        // Prefixes embedding IPv4 addresses are as public as those: one kind when both ends agree.
        if (!ipv4 && (Holds(Nat64, network) || Holds(SixToFour, network)))
        {
            var (firstKind, lastKind) = (Classify(first), Classify(NetworkFigures.Last(network)));
            return firstKind == lastKind ? (firstKind, false) : (AddressKind.Public, true);
        }

        foreach (var (range, kind) in special)
        {
            if (Holds(range, network))
            {
                return (kind, false);
            }
        }

        var includesSpecial = special.Any(s => network.Contains(s.Network.BaseAddress));
        if (ipv4)
        {
            return (AddressKind.Public, includesSpecial);
        }

        // IPv6 outside 2000::/3 is unallocated, so a network there is reserved, and one holding 2000::/3 mixes both.
        return Holds(GlobalUnicast, network) ? (AddressKind.Public, includesSpecial)
            : network.Contains(GlobalUnicast.BaseAddress) ? (AddressKind.Public, true)
            : (AddressKind.Reserved, false);
    }

    /// <summary>True when <paramref name="network"/> lies wholly inside <paramref name="range"/>.</summary>
    private static bool Holds(IPNetwork range, IPNetwork network) =>
        range.PrefixLength <= network.PrefixLength && range.Contains(network.BaseAddress);

    /// <summary>True for a network wholly inside the ranges set aside for examples in documentation.</summary>
    public static bool IsDocumentation(IPNetwork network) => Documentation.Any(range => Holds(range, network));

    // Documentation ranges (RFC 5737, RFC 3849, RFC 9637): Reserved like the rest, but the card can say what they are for.
    private static readonly IPNetwork[] Documentation =
    [
        IPNetwork.Parse("192.0.2.0/24"), IPNetwork.Parse("198.51.100.0/24"), IPNetwork.Parse("203.0.113.0/24"),
        IPNetwork.Parse("2001:db8::/32"), IPNetwork.Parse("3fff::/20"),
    ];

    /// <summary>True for the ranges set aside for examples in documentation.</summary>
    public static bool IsDocumentation(IPAddress address)
    {
        var plain = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return Documentation.Any(network => network.Contains(plain));
    }

    /// <summary>True for addresses a visitor has when reaching us from inside a local network.</summary>
    public static bool IsLocalNetwork(AddressKind kind) =>
        kind is AddressKind.Loopback or AddressKind.Private or AddressKind.LinkLocal or AddressKind.SharedCgnat;

    private static AddressKind? Find((IPNetwork Network, AddressKind Kind)[] table, IPAddress address)
    {
        foreach (var (network, kind) in table)
        {
            if (network.Contains(address))
            {
                return kind;
            }
        }

        return null;
    }

    private static IPAddress Embedded(IPAddress address, int offset)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        return new IPAddress(bytes.Slice(offset, 4));
    }
}
