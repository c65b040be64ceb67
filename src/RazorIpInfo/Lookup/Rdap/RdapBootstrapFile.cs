using System.Globalization;
using System.Net;
using System.Text.Json;

namespace RazorIpInfo.Lookup.Rdap;

/// <summary>
/// One of IANA's RDAP bootstrap files (RFC 9224): which registries' RDAP services answer for which address
/// ranges (<c>ipv4.json</c>, <c>ipv6.json</c>) or AS number ranges (<c>asn.json</c>).
/// </summary>
public sealed class RdapBootstrapFile
{
    /// <summary>IANA's files have a few hundred entries; a file with far more is not IANA's.</summary>
    public const int MaxEntries = 20_000;

    private readonly (IPNetwork Network, Uri[] Services)[] networks;
    private readonly (uint First, uint Last, Uri[] Services)[] asRanges;

    private RdapBootstrapFile((IPNetwork, Uri[])[] networks, (uint, uint, Uri[])[] asRanges)
    {
        // Longest prefix first, so the first match is the most specific.
        this.networks = [.. networks.OrderByDescending(n => n.Item1.PrefixLength)];
        this.asRanges = asRanges;
    }

    public int Count => networks.Length + asRanges.Length;

    /// <summary>Every service URL the file names: the only places a registry call, or a redirect, may go.</summary>
    public IEnumerable<Uri> Services => networks.SelectMany(n => n.Services).Concat(asRanges.SelectMany(a => a.Services));

    public Uri[] For(IPAddress address)
    {
        foreach (var (network, services) in networks)
        {
            if (network.BaseAddress.AddressFamily == address.AddressFamily && network.Contains(address))
            {
                return services;
            }
        }

        return [];
    }

    public Uri[] For(uint asNumber)
    {
        foreach (var (first, last, services) in asRanges)
        {
            if (asNumber >= first && asNumber <= last)
            {
                return services;
            }
        }

        return [];
    }

    /// <summary>The file, or null when it is not a bootstrap file (the last good copy is then kept).</summary>
    public static RdapBootstrapFile? Parse(ReadOnlyMemory<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 8 });
            if (!document.RootElement.TryGetProperty("services", out var services) || services.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var networks = new List<(IPNetwork, Uri[])>();
            var asRanges = new List<(uint, uint, Uri[])>();
            foreach (var service in services.EnumerateArray())
            {
                if (service.ValueKind != JsonValueKind.Array || service.GetArrayLength() < 2 ||
                    service[0].ValueKind != JsonValueKind.Array || service[1].ValueKind != JsonValueKind.Array)
                {
                    return null;
                }

                // RFC 9224 §3: https first when a service has both.
                Uri[] urls = [.. service[1].EnumerateArray()
                    .Select(u => u.ValueKind == JsonValueKind.String && Uri.TryCreate(u.GetString(), UriKind.Absolute, out var url) &&
                                 (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp) ? WithSlash(url) : null)
                    .OfType<Uri>()
                    .OrderBy(u => u.Scheme == Uri.UriSchemeHttps ? 0 : 1)];
                if (urls.Length == 0)
                {
                    continue;
                }

                foreach (var entry in service[0].EnumerateArray())
                {
                    if (entry.GetString() is not { } text)
                    {
                        return null;
                    }

                    if (IPNetwork.TryParse(text, out var network))
                    {
                        networks.Add((network, urls));
                    }
                    else if (AsRange(text) is { } range)
                    {
                        asRanges.Add((range.First, range.Last, urls));
                    }
                    else
                    {
                        return null;
                    }

                    if (networks.Count + asRanges.Count > MaxEntries)
                    {
                        return null;
                    }
                }
            }

            return networks.Count + asRanges.Count == 0 ? null : new RdapBootstrapFile([.. networks], [.. asRanges]);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    private static (uint First, uint Last)? AsRange(string text)
    {
        var parts = text.Split('-');
        return parts.Length is 1 or 2 &&
               uint.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var first) &&
               uint.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var last) && first <= last
            ? (first, last)
            : null;
    }

    // Relative paths ("ip/8.8.8.8") resolve under the base only when it ends with a slash; IANA's do, a mirror's might not.
    private static Uri WithSlash(Uri url) => url.AbsolutePath.EndsWith('/') ? url : new Uri(url + "/");
}
