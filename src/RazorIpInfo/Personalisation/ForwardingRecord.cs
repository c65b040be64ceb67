using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace RazorIpInfo.Personalisation;

/// <summary>The peer and forwarded chain as they arrived, before the forwarded-headers middleware ran.</summary>
public sealed record ForwardingRecord(IPAddress? Peer, string HeaderName, int ReceivedCount, IReadOnlyList<string> ReceivedTail)
{
    /// <summary>
    /// How many entries, from the right, the panel shows. Only the right end matters (the trusted proxies and
    /// the client), and anyone can send a header of thousands of entries to be echoed back.
    /// </summary>
    public const int ShownEntries = 10;

    /// <summary>Longer than any address with a port; a longer entry is cut for the panel.</summary>
    public const int ShownEntryLength = 64;

    public static ForwardingRecord Capture(HttpContext context)
    {
        var headerName = context.RequestServices.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value.ForwardedForHeaderName;
        var chain = context.Request.Headers.GetCommaSeparatedValues(headerName);
        var tail = chain.Length <= ShownEntries ? chain : chain[^ShownEntries..];
        return new ForwardingRecord(context.Connection.RemoteIpAddress, headerName, chain.Length, [.. tail.Select(entry => Shorten(entry, ShownEntryLength))]);
    }

    /// <summary>Cuts <paramref name="value"/> to <paramref name="max"/> characters, marking the cut.</summary>
    public static string Shorten(string value, int max) => value.Length <= max ? value : string.Concat(value.AsSpan(0, max - 1), "…");

    /// <summary>
    /// How the chain was read: the middleware consumes trusted entries from the right and leaves the rest in
    /// the header, so what it left says how far it trusted the chain.
    /// </summary>
    public ForwardingView Interpret(HttpContext context)
    {
        var remaining = context.Request.Headers.GetCommaSeparatedValues(HeaderName).Length;
        var consumed = Math.Max(0, ReceivedCount - remaining);
        var hops = ReceivedTail.Select((entry, index) =>
        {
            var fromRight = ReceivedTail.Count - index;
            var role = fromRight > consumed ? HopRole.Ignored : fromRight == consumed ? HopRole.Client : HopRole.TrustedProxy;
            return new ForwardedHop(entry, role);
        }).ToList();
        return new ForwardingView(Peer, ViaTrustedProxy: consumed > 0, HeaderName, hops, ReceivedCount - ReceivedTail.Count, context.Connection.RemoteIpAddress);
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

/// <param name="NotShown">How many entries, left of <paramref name="Chain"/>, the panel leaves out.</param>
public sealed record ForwardingView(IPAddress? Peer, bool ViaTrustedProxy, string HeaderName, IReadOnlyList<ForwardedHop> Chain, int NotShown, IPAddress? ClientAddress);
