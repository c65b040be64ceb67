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
/// Classifies addresses before any upstream call: a provider has nothing to say about
/// non-public ranges, and asking it would spend quota on a known answer.
/// </summary>
public static class AddressScope
{
    private static readonly (IPNetwork Network, AddressKind Kind)[] Ranges =
    [
        (IPNetwork.Parse("127.0.0.0/8"), AddressKind.Loopback),
        (IPNetwork.Parse("::1/128"), AddressKind.Loopback),
        (IPNetwork.Parse("10.0.0.0/8"), AddressKind.Private),
        (IPNetwork.Parse("172.16.0.0/12"), AddressKind.Private),
        (IPNetwork.Parse("192.168.0.0/16"), AddressKind.Private),
        (IPNetwork.Parse("fc00::/7"), AddressKind.Private),
        (IPNetwork.Parse("169.254.0.0/16"), AddressKind.LinkLocal),
        (IPNetwork.Parse("fe80::/10"), AddressKind.LinkLocal),
        (IPNetwork.Parse("100.64.0.0/10"), AddressKind.SharedCgnat),
        (IPNetwork.Parse("0.0.0.0/8"), AddressKind.Reserved),
        (IPNetwork.Parse("192.0.0.0/24"), AddressKind.Reserved),
        (IPNetwork.Parse("192.0.2.0/24"), AddressKind.Reserved),
        (IPNetwork.Parse("198.18.0.0/15"), AddressKind.Reserved),
        (IPNetwork.Parse("198.51.100.0/24"), AddressKind.Reserved),
        (IPNetwork.Parse("203.0.113.0/24"), AddressKind.Reserved),
        (IPNetwork.Parse("224.0.0.0/3"), AddressKind.Reserved),
        (IPNetwork.Parse("::/128"), AddressKind.Reserved),
        (IPNetwork.Parse("100::/64"), AddressKind.Reserved),
        (IPNetwork.Parse("2001:db8::/32"), AddressKind.Reserved),
        (IPNetwork.Parse("ff00::/8"), AddressKind.Reserved),
    ];

    public static AddressKind Classify(IPAddress address)
    {
        foreach (var (network, kind) in Ranges)
        {
            if (network.BaseAddress.AddressFamily == address.AddressFamily && network.Contains(address))
            {
                return kind;
            }
        }

        return AddressKind.Public;
    }

    /// <summary>True for addresses a visitor has when reaching us from inside a local network.</summary>
    public static bool IsLocalNetwork(AddressKind kind) =>
        kind is AddressKind.Loopback or AddressKind.Private or AddressKind.LinkLocal or AddressKind.SharedCgnat;
}
