using System.Globalization;

namespace RazorIpInfo.Lookup;

/// <summary>
/// The one gate every string from a provider passes before it becomes part of an <see cref="IpInfo"/>: the
/// card, the JSON, the bulk table, the CSV and the plain-text endpoints all print what is let through here,
/// and a curl user's terminal runs whatever control sequence reaches it.
/// </summary>
public static class UpstreamText
{
    /// <summary>Longer than any real name, address or network owner; more is not a provider talking.</summary>
    public const int LongestText = 256;

    /// <summary>
    /// Blank, too long, or holding control characters (a terminal escape, a line break that would turn one line of
    /// text into two): left out, rather than cut, since a part of a lie is still a lie.
    /// </summary>
    public static string? Clean(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > LongestText)
        {
            return null;
        }

        return value.Any(char.IsControl) ? null : value.Trim();
    }

    /// <summary>
    /// An autonomous system number as the site writes it ("AS15169"), from "AS15169", "as15169" or "15169": digits
    /// only, and a value that fits the 32 bits AS numbers have. Anything else is no AS number.
    /// </summary>
    public static string? AsNumber(string? value)
    {
        var digits = value.AsSpan().Trim();
        if (digits.StartsWith("AS", StringComparison.OrdinalIgnoreCase))
        {
            digits = digits[2..];
        }

        return digits.Length is > 0 and <= 10 &&
               uint.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? "AS" + number.ToString(CultureInfo.InvariantCulture)
            : null;
    }
}
