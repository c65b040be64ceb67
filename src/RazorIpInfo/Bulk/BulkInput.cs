using System.Net;
using RazorIpInfo.Lookup;

namespace RazorIpInfo.Bulk;

/// <summary>One entry of a bulk lookup: what was given, and the address it means when it is one.</summary>
/// <param name="Text">The entry as it appeared in the input (a log's "[2001:db8::1]:443" stays that).</param>
/// <param name="Address">The normalised address, or null when the entry is not a valid address.</param>
public sealed record BulkEntry(string Text, IPAddress? Address);

/// <summary>
/// Finds the addresses in what a person pastes: a list separated by anything, or a log excerpt.
/// Every candidate is judged by <see cref="AddressInput"/>, so the rules are those of a single lookup;
/// only the wrapping a log puts around an address (brackets, a port) is taken off first.
/// </summary>
public static class BulkInput
{
    /// <summary>
    /// The distinct entries of <paramref name="text"/>, in the order they first appear, stopping after
    /// <paramref name="limit"/> + 1 so that a caller can tell "too many" without reading the rest.
    /// Words, dates, times and plain numbers are skipped: only what is shaped like an address is an entry.
    /// </summary>
    public static IReadOnlyList<BulkEntry> Extract(string text, int limit)
    {
        var entries = new List<BulkEntry>();
        var seenAddresses = new HashSet<IPAddress>();
        var seenInvalid = new HashSet<string>(StringComparer.Ordinal);
        var span = text.AsSpan();
        var start = -1;
        for (var i = 0; i <= span.Length && entries.Count <= limit; i++)
        {
            if (i < span.Length && IsTokenChar(span[i]))
            {
                if (start < 0)
                {
                    start = i;
                }

                continue;
            }

            if (start >= 0)
            {
                Add(span[start..i]);
                start = -1;
            }
        }

        return entries;

        void Add(ReadOnlySpan<char> token)
        {
            // A sentence may end right after an address: "… from 8.8.8.8."
            token = token.TrimEnd('.');
            if (token.IsEmpty)
            {
                return;
            }

            // Nothing this long is an address in any wrapping; the row shows its start, so that a 1 MB token is
            // not echoed in the table and again in the download form.
            if (token.Length > MaxEntryLength)
            {
                token = token[..MaxEntryLength];
            }

            var candidate = Unwrap(token);
            if (AddressInput.TryParse(candidate.ToString(), out var address))
            {
                if (seenAddresses.Add(address))
                {
                    entries.Add(new BulkEntry(token.ToString(), address));
                }
            }
            else if (LooksLikeAnAddress(candidate) && seenInvalid.Add(token.ToString()))
            {
                entries.Add(new BulkEntry(token.ToString(), null));
            }
        }
    }

    /// <summary>
    /// The longest entry kept as given: a bracketed IPv6 address with a zone id and a port is well under this.
    /// Longer text is never an address, and is cut to this length wherever it is shown.
    /// </summary>
    public const int MaxEntryLength = 2 * AddressInput.MaxLength;

    /// <summary>The entries of an API request: each string is one entry, judged exactly as a single lookup.</summary>
    public static BulkEntry FromString(string? text) =>
        new(text is { Length: > MaxEntryLength } ? text[..MaxEntryLength] : text ?? "", AddressInput.TryParse(text, out var address) ? address : null);

    // Letters and digits, dots and colons, brackets, and % for a zone id: everything else separates.
    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or ':' or '[' or ']' or '%';

    /// <summary>"[2001:db8::1]:443" → 2001:db8::1, "[::1]" → ::1, "203.0.113.7:51234" → 203.0.113.7.</summary>
    private static ReadOnlySpan<char> Unwrap(ReadOnlySpan<char> token)
    {
        if (token.StartsWith('['))
        {
            var close = token.IndexOf(']');
            if (close > 0 && IsPortSuffix(token[(close + 1)..], allowEmpty: true))
            {
                return token[1..close];
            }

            return token;
        }

        var colon = token.IndexOf(':');
        if (colon > 0 && token.LastIndexOf(':') == colon && token[..colon].Contains('.') && IsPortSuffix(token[colon..], allowEmpty: false))
        {
            return token[..colon];
        }

        return token;
    }

    private static bool IsPortSuffix(ReadOnlySpan<char> suffix, bool allowEmpty)
    {
        if (suffix.IsEmpty)
        {
            return allowEmpty;
        }

        if (suffix[0] != ':' || suffix.Length is < 2 or > 6)
        {
            return false;
        }

        foreach (var c in suffix[1..])
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// True for text someone meant as an address but got wrong (999.1.1.1, 2001:db8:::1, a zone id),
    /// which earns a row saying so; false for the rest of a log line (times like 09:00:00, words, numbers).
    /// </summary>
    private static bool LooksLikeAnAddress(ReadOnlySpan<char> candidate)
    {
        int dots = 0, colons = 0, letters = 0;
        foreach (var c in candidate)
        {
            switch (c)
            {
                case '.':
                    dots++;
                    break;
                case ':':
                    colons++;
                    break;
                case '%':
                    break;
                default:
                    if (char.IsAsciiHexDigit(c) && !char.IsAsciiDigit(c))
                    {
                        letters++;
                    }
                    else if (!char.IsAsciiDigit(c) && colons == 0)
                    {
                        // Non-hex letters before any colon: a word, not an address. After "%" they are a zone id.
                        return false;
                    }

                    break;
            }
        }

        var dottedQuadish = colons == 0 && letters == 0 && dots >= 3;
        var ipv6ish = candidate.Contains("::", StringComparison.Ordinal) || (colons >= 2 && letters > 0) || colons >= 7;
        return dottedQuadish || ipv6ish;
    }

    /// <summary>What a bulk lookup costs against the per-client limit: its distinct public addresses, as many single lookups.</summary>
    public static int CountLookups(IEnumerable<BulkEntry> entries) =>
        entries.Select(e => e.Address).OfType<System.Net.IPAddress>().Distinct()
            .Count(a => AddressScope.Classify(a) == AddressKind.Public);
}
