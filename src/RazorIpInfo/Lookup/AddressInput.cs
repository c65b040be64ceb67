using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace RazorIpInfo.Lookup;

/// <summary>
/// Turns what a person typed into an address, strictly. <see cref="IPAddress.TryParse(string?, out IPAddress?)"/>
/// alone accepts forms nobody means ("1.2.3" becomes 1.2.0.3, "8" becomes 0.0.0.8) and zone ids
/// that mean nothing off this host, so those are refused here.
/// </summary>
public static class AddressInput
{
    /// <summary>Longer than any textual IPv6 address, including the IPv4-mapped form.</summary>
    public const int MaxLength = 45;

    public static bool TryParse(string? text, [NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        var candidate = text.AsSpan().Trim();
        if (candidate.IsEmpty || candidate.Length > MaxLength)
        {
            return false;
        }

        var looksValid = candidate.Contains(':') ? IsIpv6Shape(candidate) : IsDottedQuad(candidate);
        if (!looksValid || !IPAddress.TryParse(candidate, out var parsed))
        {
            return false;
        }

        address = Normalise(parsed);
        return true;
    }

    /// <summary>
    /// IPv4-mapped IPv6 (::ffff:a.b.c.d) is the IPv4 address, and a zone id (which can still arrive through
    /// X-Forwarded-For) means nothing off the host that wrote it: providers and caches see one form.
    /// </summary>
    public static IPAddress Normalise(IPAddress address) =>
        address.IsIPv4MappedToIPv6 ? address.MapToIPv4()
        : address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && address.ScopeId != 0 ? new IPAddress(address.GetAddressBytes())
        : address;

    private static bool IsIpv6Shape(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!(char.IsAsciiHexDigit(c) || c is ':' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsDottedQuad(ReadOnlySpan<char> text)
    {
        var parts = 0;
        foreach (var range in text.Split('.'))
        {
            var part = text[range];
            // A leading zero is refused because some parsers read it as octal: "010" would mean 8.
            if (++parts > 4 || part.IsEmpty || (part.Length > 1 && part[0] == '0') ||
                !byte.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                return false;
            }
        }

        return parts == 4;
    }
}
