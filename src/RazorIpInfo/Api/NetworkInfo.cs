using System.Globalization;
using RazorIpInfo.Lookup;
using RazorIpInfo.Lookup.Networks;

namespace RazorIpInfo.Api;

/// <summary>One range of the offline network data and the AS announcing it.</summary>
public sealed record AnnouncedRangeEntry(string Prefix, string AsNumber, string Organisation);

/// <summary>The announced ranges inside a network: how many, and the first <see cref="NetworkReport.ListLimit"/>.</summary>
public sealed record AnnouncedInside(int Count, IReadOnlyList<AnnouncedRangeEntry> Listed);

/// <summary>
/// A network asked for in place of an address (<c>/api/ip-info/8.8.8.0/24</c>). Counts are strings: ::/0 holds
/// 2^128 addresses, past what a JSON number holds exactly; <see cref="AddressesLog2"/> is the same as a power of two.
/// </summary>
public sealed record NetworkInfo(
    string Network,
    bool HostBitsSet,
    string Family,
    int PrefixLength,
    string FirstAddress,
    string LastAddress,
    string Addresses,
    int AddressesLog2,
    string? Subnets64,
    string? Netmask,
    string? Wildcard,
    string Scope,
    bool IncludesNonPublic,
    AnnouncedRangeEntry? AnnouncedBy,
    AnnouncedInside? AnnouncedInside,
    string? Source)
{
    public static NetworkInfo From(NetworkReport report)
    {
        var network = report.Network;
        var announcements = report.Announcements;
        return new NetworkInfo(
            report.Prefix,
            report.Input.HadHostBits,
            report.Family,
            network.PrefixLength,
            report.First.ToString(),
            report.Last.ToString(),
            NetworkFigures.Size(network).ToString(CultureInfo.InvariantCulture),
            NetworkFigures.HostBits(network),
            NetworkFigures.Subnets64(network)?.ToString(CultureInfo.InvariantCulture),
            report.IsIpv4 ? NetworkFigures.Netmask(network).ToString() : null,
            report.IsIpv4 ? NetworkFigures.Wildcard(network).ToString() : null,
            ScopeName(report),
            report.IncludesNonPublic,
            announcements?.Covering is { } covering ? Entry(covering) : null,
            announcements is { Covering: null } inside ? new AnnouncedInside(inside.Count, [.. inside.Listed.Select(Entry)]) : null,
            announcements is null ? null : NetworkDatabase.Attribution + " via ip-location-db (CC BY 4.0)");
    }

    /// <summary>The same names as the text lines and the README: camelCase of the scope, documentation apart.</summary>
    public static string ScopeName(NetworkReport report) => report.Kind switch
    {
        AddressKind.Public => "public",
        AddressKind.Loopback => "loopback",
        AddressKind.Private => "private",
        AddressKind.LinkLocal => "linkLocal",
        AddressKind.SharedCgnat => "sharedCgnat",
        _ when AddressScope.IsDocumentation(report.Network) => "documentation",
        _ => "reserved",
    };

    private static AnnouncedRangeEntry Entry(AnnouncedRange range) =>
        new(range.Prefix, string.Create(CultureInfo.InvariantCulture, $"AS{range.AsNumber}"), range.Organisation);

    /// <summary>The same figures as "name: value" lines, for <c>curl host/prefix?ip=8.8.8.0/24</c>.</summary>
    public string ToText()
    {
        var lines = new List<string>
        {
            $"network: {Network}",
            $"first: {FirstAddress}",
            $"last: {LastAddress}",
            $"addresses: {Addresses}",
        };
        if (Subnets64 is not null)
        {
            lines.Add($"subnets-64: {Subnets64}");
        }

        if (Netmask is not null)
        {
            lines.Add($"netmask: {Netmask}");
            lines.Add($"wildcard: {Wildcard}");
        }

        lines.Add($"family: {Family}");
        lines.Add($"scope: {Scope}{(IncludesNonPublic ? " (includes non-public ranges)" : "")}");
        if (HostBitsSet)
        {
            lines.Add("host-bits-set: true");
        }

        if (AnnouncedBy is { } by)
        {
            lines.Add($"announced-by: {by.AsNumber} {by.Organisation}");
            lines.Add($"announced-as: {by.Prefix}");
        }
        else if (AnnouncedInside is { } inside)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"announced-ranges-inside: {inside.Count}"));
            lines.AddRange(inside.Listed.Select(r => $"announced-inside: {r.Prefix} {r.AsNumber} {r.Organisation}"));
        }

        return string.Join('\n', lines);
    }
}
