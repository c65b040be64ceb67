using System.Collections.Frozen;
using System.Net;
using System.Text;

namespace RazorIpInfo.Lookup.Tor;

/// <summary>The Tor exit addresses of one downloaded list, for a lookup that costs one hash.</summary>
public sealed class TorExitList
{
    private readonly FrozenSet<IPAddress> exits;

    private TorExitList(FrozenSet<IPAddress> exits) => this.exits = exits;

    public int Count => exits.Count;

    public bool Contains(IPAddress address) => exits.Contains(AddressInput.Normalise(address));

    /// <summary>
    /// One address per line (IPv4 or IPv6), blank lines and <c>#</c> comments ignored. Anything else
    /// (an HTML error page, another list's format) makes the whole body unusable, as does a list with no
    /// address: null, and the previous list keeps answering.
    /// </summary>
    public static TorExitList? Parse(ReadOnlyMemory<byte> body)
    {
        var text = Encoding.UTF8.GetString(body.Span);
        var exits = new HashSet<IPAddress>();
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            var entry = line.Trim();
            if (entry.IsEmpty || entry[0] == '#')
            {
                continue;
            }

            if (!AddressInput.TryParse(entry.ToString(), out var address))
            {
                return null;
            }

            exits.Add(address);
        }

        return exits.Count == 0 ? null : new TorExitList(exits.ToFrozenSet());
    }
}
