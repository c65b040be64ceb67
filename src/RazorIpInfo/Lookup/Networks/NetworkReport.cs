using System.Net;

namespace RazorIpInfo.Lookup.Networks;

/// <summary>
/// What the site says about a network typed in place of an address: its figures, its scope and who announces
/// it. Everything comes from arithmetic and the offline network data, so no upstream is asked and nothing waits.
/// </summary>
/// <param name="Input">The network as typed, host bits cleared.</param>
/// <param name="Kind">Public, or the special-purpose range holding the whole network.</param>
/// <param name="IncludesNonPublic">A public network that also holds special-purpose ranges (0.0.0.0/0, ::/0).</param>
/// <param name="Announcements">Who announces it; null for a non-public network (nobody does) or without the data.</param>
public sealed record NetworkReport(NetworkInput Input, AddressKind Kind, bool IncludesNonPublic, NetworkAnnouncements? Announcements)
{
    /// <summary>
    /// How many announced ranges inside a network are listed: a /8 holds tens of thousands, which no card or
    /// answer should carry; the count says how many there are.
    /// </summary>
    public const int ListLimit = 20;

    public IPNetwork Network => Input.Network;

    public string Prefix => Network.ToString();

    public IPAddress First => Network.BaseAddress;

    public IPAddress Last => NetworkFigures.Last(Network);

    public bool IsIpv4 => NetworkFigures.IsIpv4(Network);

    public string Family => IsIpv4 ? "IPv4" : "IPv6";

    public bool IsPublic => Kind == AddressKind.Public;

    /// <summary>The network is public but the data for its family is not loaded, so who announces it is unknown.</summary>
    public bool DataMissing => IsPublic && Announcements is null;

    /// <summary>Reads <paramref name="text"/> as a network (<see cref="AddressInput.ReadNetwork"/>) and describes it.</summary>
    public static NetworkInputKind Read(string? text, NetworkDatabase networks, out NetworkReport? report)
    {
        var kind = AddressInput.ReadNetwork(text, out var input);
        report = input is null ? null : Describe(input, networks);
        return kind;
    }

    public static NetworkReport Describe(NetworkInput input, NetworkDatabase networks)
    {
        var (kind, includesNonPublic) = AddressScope.Classify(input.Network);
        var announcements = kind == AddressKind.Public ? networks.Announcements(input.Network, ListLimit) : null;
        return new NetworkReport(input, kind, includesNonPublic, announcements);
    }
}
