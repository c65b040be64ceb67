using System.Net;
using System.Net.Sockets;

namespace RazorIpInfo.Lookup.Rdap;

/// <summary>
/// IANA's three bootstrap files as they are now: which registry to ask, and the set of hosts a registry call
/// (or a registry's redirect) may go to.
/// </summary>
public sealed class RdapBootstrap(Func<RdapBootstrapFile?> ipv4, Func<RdapBootstrapFile?> ipv6, Func<RdapBootstrapFile?> asn)
{
    private sealed record Snapshot(RdapBootstrapFile? V4, RdapBootstrapFile? V6, RdapBootstrapFile? As, HashSet<string> Hosts);

    private Snapshot? known;

    /// <summary>Whether the file that would answer this question is loaded.</summary>
    public bool Loaded(IPAddress address) => (address.AddressFamily == AddressFamily.InterNetwork ? ipv4() : ipv6()) is not null;

    public bool AsLoaded => asn() is not null;

    public Uri[] For(IPAddress address) =>
        (address.AddressFamily == AddressFamily.InterNetwork ? ipv4() : ipv6())?.For(address) ?? [];

    public Uri[] For(uint asNumber) => asn()?.For(asNumber) ?? [];

    /// <summary>Whether the bootstrap names this service's host (and port): a redirect anywhere else is not followed.</summary>
    public bool Names(Uri url) => Hosts().Contains(url.Authority.ToLowerInvariant());

    private HashSet<string> Hosts()
    {
        // The set is rebuilt only when one of the files has been replaced.
        var (v4, v6, @as) = (ipv4(), ipv6(), asn());
        if (Volatile.Read(ref known) is { } cached && cached.V4 == v4 && cached.V6 == v6 && cached.As == @as)
        {
            return cached.Hosts;
        }

        var hosts = new[] { v4, v6, @as }.OfType<RdapBootstrapFile>()
            .SelectMany(file => file.Services)
            .Select(url => url.Authority.ToLowerInvariant())
            .ToHashSet();
        Volatile.Write(ref known, new Snapshot(v4, v6, @as, hosts));
        return hosts;
    }
}
