using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace RazorIpInfo.Personalisation;

/// <summary>The peer and forwarded chain as they arrived, before the forwarded-headers middleware ran.</summary>
public sealed record ForwardingRecord(IPAddress? Peer, string HeaderName, IReadOnlyList<string> ReceivedChain)
{
    public static ForwardingRecord Capture(HttpContext context)
    {
        var headerName = context.RequestServices.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value.ForwardedForHeaderName;
        return new ForwardingRecord(context.Connection.RemoteIpAddress, headerName, context.Request.Headers.GetCommaSeparatedValues(headerName));
    }

    /// <summary>
    /// How the chain was read: the middleware consumes trusted entries from the right and leaves the rest in
    /// the header, so what it left says how far it trusted the chain.
    /// </summary>
    public ForwardingView Interpret(HttpContext context)
    {
        var remaining = context.Request.Headers.GetCommaSeparatedValues(HeaderName).Length;
        var consumed = Math.Max(0, ReceivedChain.Count - remaining);
        var hops = ReceivedChain.Select((entry, index) =>
        {
            var fromRight = ReceivedChain.Count - index;
            var role = fromRight > consumed ? HopRole.Ignored : fromRight == consumed ? HopRole.Client : HopRole.TrustedProxy;
            return new ForwardedHop(entry, role);
        }).ToList();
        return new ForwardingView(Peer, ViaTrustedProxy: consumed > 0, HeaderName, hops, context.Connection.RemoteIpAddress);
    }
}

public enum HopRole
{
    /// <summary>Left of the client address, or not reached: whoever wrote it was not trusted.</summary>
    Ignored,

    /// <summary>The address used as the client's.</summary>
    Client,

    /// <summary>A proxy in the trusted part of the chain.</summary>
    TrustedProxy,
}

public sealed record ForwardedHop(string Entry, HopRole Role);

public sealed record ForwardingView(IPAddress? Peer, bool ViaTrustedProxy, string HeaderName, IReadOnlyList<ForwardedHop> Chain, IPAddress? ClientAddress);
