using System.Globalization;
using System.Numerics;
using RazorIpInfo.Lookup;
using RazorIpInfo.Lookup.Networks;

namespace RazorIpInfo.Pages.Card;

/// <summary>Culture-aware text for the network card's figures.</summary>
public static class NetworkFormat
{
    /// <summary>Up to 2^53 a count is written out (256, 4,294,967,296); beyond, no one reads the digits, so it is a power of two.</summary>
    public static string Count(BigInteger count, CultureInfo culture) =>
        count <= (BigInteger.One << 53) ? count.ToString("N0", culture)
        : count.IsPowerOfTwo ? "2^" + (count.GetBitLength() - 1).ToString(culture)
        : "≈ 2^" + BigInteger.Log(count, 2).ToString("0.#", culture);

    public static string Size(NetworkReport report, CultureInfo culture) => Count(NetworkFigures.Size(report.Network), culture);

    /// <summary>How many /64s an IPv6 network holds, for a /64 or shorter; null where it would say nothing.</summary>
    public static string? Subnets64(NetworkReport report, CultureInfo culture) =>
        NetworkFigures.Subnets64(report.Network) is { } count ? Count(count, culture) : null;

    /// <summary>The resource key of the sentence saying why nobody announces a non-public network.</summary>
    public static string NonPublicTextKey(NetworkReport report) => report.Kind switch
    {
        AddressKind.Loopback => "Network.NonPublic.Loopback",
        AddressKind.SharedCgnat => "Network.NonPublic.Cgnat",
        AddressKind.LinkLocal => "Network.NonPublic.LinkLocal",
        AddressKind.Private => "Network.NonPublic.Private",
        _ when AddressScope.IsDocumentation(report.Network) => "Network.NonPublic.Documentation",
        _ => "Network.NonPublic.Reserved",
    };

    public static string AsName(AnnouncedRange range) => string.Create(CultureInfo.InvariantCulture, $"AS{range.AsNumber}");

    /// <summary>Where a listed range leads: its own network page when it is one block, else its first address's card.</summary>
    public static string RangeUrl(AnnouncedRange range) =>
        "/?ip=" + Uri.EscapeDataString(range.Prefix.Contains('/', StringComparison.Ordinal) ? range.Prefix : range.FirstAddress);
}
