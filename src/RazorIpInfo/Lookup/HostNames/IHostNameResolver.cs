using System.Net;
using System.Net.Sockets;

namespace RazorIpInfo.Lookup.HostNames;

/// <summary>Where host names become addresses: the seam tests replace.</summary>
public interface IHostNameResolver
{
    /// <summary>The name's A and AAAA addresses; throws <see cref="SocketException"/> when there is no such name.</summary>
    Task<IPAddress[]> ResolveAsync(string name, CancellationToken cancellationToken);
}

/// <summary>
/// The operating system's resolver (getaddrinfo), so <c>/etc/hosts</c> and the server's configured DNS
/// servers apply: the card shows the server's view of DNS.
/// </summary>
public sealed class SystemHostNameResolver : IHostNameResolver
{
    public Task<IPAddress[]> ResolveAsync(string name, CancellationToken cancellationToken) =>
        Dns.GetHostAddressesAsync(name, cancellationToken);
}
