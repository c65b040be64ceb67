using System.Net;
using System.Net.Sockets;
using System.Numerics;

namespace RazorIpInfo.Lookup;

/// <summary>The figures of a network that <see cref="IPNetwork"/> leaves to its users: last address, masks and size.</summary>
public static class NetworkFigures
{
    public static bool IsIpv4(IPNetwork network) => network.BaseAddress.AddressFamily == AddressFamily.InterNetwork;

    /// <summary>The bits of an address of the network's family: 32 or 128.</summary>
    public static int AddressBits(IPNetwork network) => IsIpv4(network) ? 32 : 128;

    /// <summary>The bits left to the hosts: the network holds 2^HostBits addresses.</summary>
    public static int HostBits(IPNetwork network) => AddressBits(network) - network.PrefixLength;

    /// <summary>How many addresses the network holds; 2^128 for ::/0, which no fixed-size integer holds.</summary>
    public static BigInteger Size(IPNetwork network) => BigInteger.One << HostBits(network);

    /// <summary>How many /64s an IPv6 network of /64 or shorter holds (the size of one site's LAN); null otherwise.</summary>
    public static BigInteger? Subnets64(IPNetwork network) =>
        !IsIpv4(network) && network.PrefixLength <= 64 ? BigInteger.One << (64 - network.PrefixLength) : null;

    public static IPAddress Last(IPNetwork network)
    {
        var bytes = network.BaseAddress.GetAddressBytes();
        var host = Mask(network, hostPart: true);
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] |= host[i];
        }

        return new IPAddress(bytes);
    }

    /// <summary>The IPv4 netmask (255.255.255.0 for a /24).</summary>
    public static IPAddress Netmask(IPNetwork network) => new(Mask(network, hostPart: false));

    /// <summary>The IPv4 wildcard mask, the netmask's complement, as access lists write it (0.0.0.255 for a /24).</summary>
    public static IPAddress Wildcard(IPNetwork network) => new(Mask(network, hostPart: true));

    private static byte[] Mask(IPNetwork network, bool hostPart)
    {
        var bytes = new byte[AddressBits(network) / 8];
        for (var i = 0; i < bytes.Length; i++)
        {
            var prefixBits = Math.Clamp(network.PrefixLength - (i * 8), 0, 8);
            var netmask = (byte)(0xFF << (8 - prefixBits));
            bytes[i] = hostPart ? (byte)~netmask : netmask;
        }

        return bytes;
    }
}
