using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace RazorIpInfo.Lookup.HostNames;

/// <summary>
/// Recognises a host name typed in place of an address and gives its ASCII (punycode) form, strictly:
/// letters, digits and hyphens in labels of 1–63 characters, at most 253 in all, and a last label that
/// is not all digits (so "1.2.3" stays a malformed address rather than becoming a name).
/// </summary>
public static class HostNameInput
{
    /// <summary>The longest name DNS can carry, in its ASCII form.</summary>
    public const int MaxLength = 253;

    // Unicode input can be longer than its ASCII form only by a little; anything much longer is refused unread.
    private const int MaxInputLength = 4 * MaxLength;

    private static readonly IdnMapping Idn = new() { UseStd3AsciiRules = true, AllowUnassigned = false };

    public static bool TryNormalise(string? text, [NotNullWhen(true)] out string? name)
    {
        name = null;
        var candidate = text.AsSpan().Trim();
        if (candidate.IsEmpty || candidate.Length > MaxInputLength)
        {
            return false;
        }

        // "example.com." is the same name, fully qualified.
        if (candidate[^1] == '.')
        {
            candidate = candidate[..^1];
        }

        string ascii;
        try
        {
            ascii = Idn.GetAscii(candidate.ToString()).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return false;
        }

        if (ascii.Length is 0 or > MaxLength)
        {
            return false;
        }

        var labels = ascii.Split('.');
        foreach (var label in labels)
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-' ||
                !label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                return false;
            }
        }

        if (labels[^1].All(char.IsAsciiDigit))
        {
            return false;
        }

        name = ascii;
        return true;
    }
}
