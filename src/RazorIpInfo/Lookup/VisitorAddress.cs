using System.Net;

namespace RazorIpInfo.Lookup;

/// <summary>The address a request came from, after the forwarded-headers middleware has run.</summary>
public sealed record VisitorAddress(IPAddress? Address)
{
    /// <summary>
    /// No address at all (an in-memory test server, a Unix socket) counts as local: there is
    /// nothing public to look up.
    /// </summary>
    public bool IsOnLocalNetwork => Address is null || AddressScope.Classify(Address) != AddressKind.Public;

    public static VisitorAddress From(HttpContext context) =>
        new(context.Connection.RemoteIpAddress is { } address ? AddressInput.Normalise(address) : null);
}
