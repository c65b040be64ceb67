using System.Net;
using System.Net.Sockets;

namespace RazorIpInfo.Lookup.HostNames;

/// <summary>Where host names become addresses: the seam tests replace.</summary>
/// <remarks>
/// Synchronous on purpose: the operating system's resolver blocks its thread, and <see cref="HostNameLookup"/>
/// runs each call on a dedicated thread of a bounded number, never on the request thread pool.
/// </remarks>
public interface IHostNameResolver
{
    /// <summary>The fully-qualified name's A and AAAA addresses; throws <see cref="SocketException"/> when there is no such name.</summary>
    IPAddress[] Resolve(string name);
}

/// <summary>
/// The operating system's resolver (getaddrinfo), so the server's configured DNS servers apply: the card
/// shows the server's view of DNS.
/// </summary>
/// <remarks>
/// <see cref="Dns.GetHostAddressesAsync(string, CancellationToken)"/> is not used: on Linux it runs the same blocking
/// getaddrinfo on a thread-pool thread, and its cancellation only works before the call starts, so a resolver that
/// never answers used up the pool that serves every request. The name is asked with a trailing dot, as an absolute
/// name: the resolver's search list (resolv.conf's <c>search</c>) is then never appended, which both keeps the
/// server's local domains out of reach and saves the extra queries a missing name cost. One call asks for A and
/// AAAA together. Entries in <c>/etc/hosts</c> are written without the dot, so they do not match.
/// </remarks>
public sealed class SystemHostNameResolver : IHostNameResolver
{
    public IPAddress[] Resolve(string name) => Dns.GetHostAddresses(name + ".");
}
