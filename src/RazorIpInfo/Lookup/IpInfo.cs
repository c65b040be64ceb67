using System.ComponentModel;
using System.Text.Json.Serialization;

namespace RazorIpInfo.Lookup;

/// <summary>
/// What is known about one IP address, whichever provider answered. Providers leave out
/// what they do not know, so every descriptive field is optional.
/// </summary>
[ImmutableObject(true)]
public sealed record IpInfo
{
    public required string Address { get; init; }
    public string? Country { get; init; }
    public string? CountryCode { get; init; }
    public string? Region { get; init; }
    public string? RegionCode { get; init; }
    public string? City { get; init; }
    public string? PostalCode { get; init; }
    public double? Latitude { get; init; }
    public double? Longitude { get; init; }
    public string? TimeZone { get; init; }
    public int? UtcOffsetSeconds { get; init; }
    public string? Isp { get; init; }
    public string? Organisation { get; init; }
    public string? AsNumber { get; init; }
    public string? AsName { get; init; }
    public string? ReverseDns { get; init; }
    public bool? Mobile { get; init; }
    public bool? Proxy { get; init; }
    public bool? Hosting { get; init; }
    public required string Provider { get; init; }
    public required DateTimeOffset FetchedAt { get; init; }

    /// <summary>The network prefix (CIDR) the address is in, from the offline network data whichever provider answered.</summary>
    public string? Network { get; init; }

    /// <summary>
    /// Whether the address is on the Tor Project's exit list loaded now, whichever provider answered; null while
    /// no list is loaded. Set after the cache (<see cref="Tor.TorExits.Flag"/>), never kept from a cached record.
    /// </summary>
    [JsonPropertyName("tor")]
    public bool? TorExit { get; init; }

    /// <summary>The host name that was asked for, when the address came from resolving one.</summary>
    public string? HostName { get; init; }

    /// <summary>Every address the host name resolved to on the server (at most a few), in the resolver's order.</summary>
    public IReadOnlyList<string>? HostAddresses { get; init; }
}
