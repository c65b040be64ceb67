using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

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

    /// <summary>The longest network worth reading: the longest address, a slash and three digits.</summary>
    public const int MaxNetworkLength = MaxLength + 4;

    /// <summary>
    /// Reads a network written as an address, a slash and a prefix length (<c>8.8.8.0/24</c>, <c>2001:db8::/32</c>),
    /// as strictly as an address: the address in the forms <see cref="TryParse"/> takes, the length in plain decimal
    /// digits within the family's range, nothing in between. Host bits are cleared, and said to have been set.
    /// </summary>
    /// <returns><see cref="NetworkInputKind.NotANetwork"/> for text with no slash, which is then an address or a name.</returns>
    public static NetworkInputKind ReadNetwork(string? text, out NetworkInput? network)
    {
        network = null;
        var candidate = text.AsSpan().Trim();
        var slash = candidate.IndexOf('/');
        if (slash < 0)
        {
            return NetworkInputKind.NotANetwork;
        }

        var addressText = candidate[..slash];
        var lengthText = candidate[(slash + 1)..];
        // Inner white space, signs and a second slash would each be read some way by some parser: none is a network.
        if (candidate.Length > MaxNetworkLength || HasWhiteSpace(addressText) || lengthText.Length is 0 or > 3 ||
            (lengthText.Length > 1 && lengthText[0] == '0') || !IsAsciiDigits(lengthText) ||
            !int.TryParse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture, out var length) ||
            !TryParse(addressText.ToString(), out var address))
        {
            return NetworkInputKind.Malformed;
        }

        // ::ffff:8.8.8.0/120 is 8.8.8.0/24; an IPv4-mapped address with a shorter length stays an IPv6 network.
        if (address.AddressFamily == AddressFamily.InterNetwork && addressText.Contains(':'))
        {
            if (length >= 96)
            {
                length -= 96;
            }
            else
            {
                address = address.MapToIPv6();
            }
        }

        if (length > (address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128))
        {
            return NetworkInputKind.Malformed;
        }

        // IPNetwork clears the host bits itself (.NET 10); that it had to is worth telling the visitor.
        var parsed = new IPNetwork(address, length);
        network = new NetworkInput(parsed, HadHostBits: !parsed.BaseAddress.Equals(address));
        return NetworkInputKind.Network;
    }

    /// <summary>
    /// IPv4-mapped IPv6 (::ffff:a.b.c.d) is the IPv4 address, and a zone id (which can still arrive through
    /// X-Forwarded-For) means nothing off the host that wrote it: providers and caches see one form.
    /// </summary>
    public static IPAddress Normalise(IPAddress address) =>
        address.IsIPv4MappedToIPv6 ? address.MapToIPv4()
        : address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && address.ScopeId != 0 ? new IPAddress(address.GetAddressBytes())
        : address;

    // int.TryParse alone lets trailing NULs through ("24\0" reads as 24).
    private static bool IsAsciiDigits(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool HasWhiteSpace(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                return true;
            }
        }

        return false;
    }

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

/// <summary>What a typed text is, read as a network.</summary>
public enum NetworkInputKind
{
    /// <summary>No slash: an address or a host name, read by the other readers.</summary>
    NotANetwork,

    Network,

    /// <summary>A slash, but not an address and a prefix length in range: refused, with the form to use.</summary>
    Malformed,
}

/// <summary>A network as typed, its host bits cleared.</summary>
/// <param name="Network">The network.</param>
/// <param name="HadHostBits">The address typed was not the network's first (8.8.8.8/24 for 8.8.8.0/24).</param>
public sealed record NetworkInput(IPNetwork Network, bool HadHostBits);
