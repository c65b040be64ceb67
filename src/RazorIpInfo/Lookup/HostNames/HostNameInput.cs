using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace RazorIpInfo.Lookup.HostNames;

/// <summary>What a typed text is, read as a host name.</summary>
public enum HostNameInputKind
{
    /// <summary>A fully-qualified name, worth asking DNS about.</summary>
    Name,

    /// <summary>Neither a name nor an address form: bad characters, empty labels, too long.</summary>
    NotAName,

    /// <summary>
    /// An IPv4 address in a form other than four decimal numbers (<c>134744072</c>, <c>010.8.8.8</c>,
    /// <c>0x08080808</c>, <c>1.2.3.0x4</c>): the resolver would read it as an address, and programs disagree on which.
    /// </summary>
    NumericAddress,

    /// <summary>One label (<c>db</c>, <c>localhost</c>): the resolver would complete it with the server's own search domains.</summary>
    SingleLabel,
}

/// <summary>
/// Recognises a host name typed in place of an address and gives its ASCII (punycode) form, strictly:
/// letters, digits and hyphens in labels of 1–63 characters, at most 253 in all, at least two labels, and a
/// last label that is not a number (the WHATWG URL standard's "ends in a number" rule: such a host is an
/// IPv4 address in some form, never a name).
/// </summary>
public static class HostNameInput
{
    /// <summary>The longest name DNS can carry, in its ASCII form.</summary>
    public const int MaxLength = 253;

    // Unicode input can be longer than its ASCII form only by a little; anything much longer is refused unread.
    private const int MaxInputLength = 4 * MaxLength;

    private static readonly IdnMapping Idn = new() { UseStd3AsciiRules = true, AllowUnassigned = false };

    public static bool TryNormalise(string? text, [NotNullWhen(true)] out string? name) =>
        Read(text, out name) == HostNameInputKind.Name;

    /// <summary>Reads <paramref name="text"/> as a host name; <paramref name="name"/> is set only for <see cref="HostNameInputKind.Name"/>.</summary>
    public static HostNameInputKind Read(string? text, out string? name)
    {
        name = null;
        var candidate = text.AsSpan().Trim();
        if (candidate.IsEmpty || candidate.Length > MaxInputLength)
        {
            return HostNameInputKind.NotAName;
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
            return HostNameInputKind.NotAName;
        }

        if (ascii.Length is 0 or > MaxLength)
        {
            return HostNameInputKind.NotAName;
        }

        var labels = ascii.Split('.');
        foreach (var label in labels)
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-' ||
                !label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                return HostNameInputKind.NotAName;
            }
        }

        if (EndsInANumber(labels[^1]))
        {
            // A form the resolver reads as an address ("1.2.3" is 1.2.0.3 to inet_aton) gets its own sentence;
            // "999.1.1.1" or "1.2.3.4.5" is no address in any form, only a mistyped one.
            return IPAddress.TryParse(ascii, out _) && !AddressInput.TryParse(ascii, out _)
                ? HostNameInputKind.NumericAddress
                : HostNameInputKind.NotAName;
        }

        if (labels.Length == 1)
        {
            return HostNameInputKind.SingleLabel;
        }

        name = ascii;
        return HostNameInputKind.Name;
    }

    // https://url.spec.whatwg.org/#ends-in-a-number-checker: all digits, or "0x" and hex digits.
    private static bool EndsInANumber(string label) =>
        label.All(char.IsAsciiDigit) ||
        (label.StartsWith("0x", StringComparison.Ordinal) && !label.AsSpan(2).ContainsAnyExcept(HexDigits));

    private static readonly System.Buffers.SearchValues<char> HexDigits =
        System.Buffers.SearchValues.Create("0123456789abcdef");
}
