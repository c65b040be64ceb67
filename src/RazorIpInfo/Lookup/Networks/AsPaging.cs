using System.Globalization;

namespace RazorIpInfo.Lookup.Networks;

/// <summary>Reading an AS number as people write it, and splitting a large AS's prefixes into pages; shared by the page and the API.</summary>
public static class AsPaging
{
    public const int PageSize = 100;

    /// <summary>"15169" or "AS15169" (any case); AS numbers are 32-bit.</summary>
    public static bool TryParseNumber(string? text, out uint number)
    {
        var span = text.AsSpan().Trim();
        if (span.StartsWith("AS", StringComparison.OrdinalIgnoreCase))
        {
            span = span[2..];
        }

        number = 0;
        return span.Length is > 0 and <= 10 && uint.TryParse(span, NumberStyles.None, CultureInfo.InvariantCulture, out number);
    }

    public static int PageCount(AsSummary summary) => Math.Max(1, (summary.Prefixes.Count + PageSize - 1) / PageSize);

    /// <summary>The prefixes of page <paramref name="page"/> (1-based); null for a page past the end.</summary>
    public static IReadOnlyList<AsPrefix>? Page(AsSummary summary, int page) =>
        page < 1 || page > PageCount(summary) ? null : [.. summary.Prefixes.Skip((page - 1) * PageSize).Take(PageSize)];

    /// <summary>How many addresses a prefix such as <c>8.8.8.0/24</c> holds, written as <see cref="Ipv6Count"/> writes counts.</summary>
    public static string PrefixSize(string prefix, CultureInfo culture)
    {
        if (!System.Net.IPNetwork.TryParse(prefix, out var network))
        {
            return "";
        }

        var bits = network.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128;
        return Ipv6Count(UInt128.One << (bits - network.PrefixLength), culture);
    }

    /// <summary>IPv6 counts pass any readable number: beyond 2^53 they are shown as a power of two.</summary>
    public static string Ipv6Count(UInt128 count, CultureInfo culture) =>
        count < ((UInt128)1 << 53)
            ? ((ulong)count).ToString("N0", culture)
            : "≈ 2^" + Math.Log2((double)count).ToString("0.#", culture);
}
