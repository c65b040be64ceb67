using RazorIpInfo.Lookup;
using RazorIpInfo.Lookup.HostNames;

namespace RazorIpInfo.Pages.Card;

/// <summary>What the card partial renders: one lookup's outcome and what was asked for.</summary>
/// <param name="Result">The outcome.</param>
/// <param name="Query">The normalised address that was looked up, or null for the visitor's own.</param>
/// <param name="VisitorOnLocalNetwork">The visitor reached us from a local network, so the card shows the server's public address.</param>
/// <param name="Host">When a host name was asked for: what it resolved to.</param>
public sealed record IpCardModel(LookupResult Result, string? Query, bool VisitorOnLocalNetwork = false, HostResolution? Host = null)
{
    /// <summary>Where the card leaves the name of the provider that answered, for the layout's footer to credit.</summary>
    public const string AnsweredByKey = "RazorIpInfo.AnsweredBy";

    public bool IsVisitor => Query is null;

    /// <summary>Where "try again" and Refresh lead: the same lookup, as a plain link.</summary>
    public string RetryUrl => Query is null ? "/" : "/?ip=" + Uri.EscapeDataString(Query);
}
