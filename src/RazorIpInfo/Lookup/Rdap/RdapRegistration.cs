namespace RazorIpInfo.Lookup.Rdap;

/// <summary>
/// What a registry says about a network or an autonomous system, as the card, the JSON and the text show it:
/// every string has passed <see cref="UpstreamText.Clean"/>, and none is markup.
/// </summary>
/// <param name="Registry">The registry that answered (ARIN, RIPE NCC, …, or its RDAP host).</param>
/// <param name="Handle">The registry's own name for the record (NET-8-8-8-0-2, AS15169).</param>
/// <param name="Name">The network's or AS's name (GOGL, GOOGLE).</param>
/// <param name="Range">The registered range: first–last address, or first–last AS number.</param>
/// <param name="Cidrs">The range as prefixes, when the registry gives them.</param>
/// <param name="Organisation">The registrant's name.</param>
/// <param name="AbuseEmail">Where to report abuse: the <c>abuse</c> entity's e-mail.</param>
/// <param name="AbusePhone">The <c>abuse</c> entity's telephone.</param>
/// <param name="RecordUrl">The registry's own RDAP record (its <c>self</c> link, else the URL asked).</param>
public sealed record RdapRegistration(
    string Registry,
    string? Handle,
    string? Name,
    string? Range,
    IReadOnlyList<string> Cidrs,
    string? Country,
    string? Organisation,
    string? AbuseEmail,
    string? AbusePhone,
    string RecordUrl);

public enum RdapOutcome
{
    Found,
    /// <summary>The registry has no such record (404).</summary>
    NotFound,
    /// <summary>No registry serves the range in IANA's bootstrap.</summary>
    NoRegistry,
    /// <summary>The bootstrap files are not loaded (yet), so no registry is known.</summary>
    NoBootstrap,
    /// <summary>The registry said stop (429), or our own budget for it is spent.</summary>
    Throttled,
    /// <summary>The registry did not answer in time.</summary>
    Timeout,
    /// <summary>The registry failed, sent something that is not a registration, or pointed somewhere it may not.</summary>
    Failed,
}

/// <summary>A registry's answer, or why there is none; what is cached.</summary>
public sealed record RdapAnswer(RdapOutcome Outcome, RdapRegistration? Registration = null, int? RetryAfterSeconds = null);
