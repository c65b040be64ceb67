using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace RazorIpInfo.Lookup.Rdap;

/// <summary>Registration failures as HTTP, in the same <see cref="LookupFailure"/> form as a failed lookup.</summary>
public static class RdapFailure
{
    /// <summary>A short wait before asking again when the bootstrap files are still being fetched.</summary>
    private const int BootstrapRetryAfterSeconds = 60;

    /// <summary>True when <paramref name="text"/> is a public address; else <paramref name="refused"/> says why there is no registration to ask for.</summary>
    public static bool IsPublicAddress(string? text, [NotNullWhen(true)] out IPAddress? address, [NotNullWhen(false)] out LookupFailure? refused)
    {
        if (!AddressInput.TryParse(text, out var parsed))
        {
            address = null;
            refused = LookupFailure.Of(new LookupResult.Refused(RefusalReason.InvalidAddress));
            return false;
        }

        var normalised = AddressInput.Normalise(parsed);
        var kind = AddressScope.Classify(normalised);
        if (kind != AddressKind.Public)
        {
            address = null;
            refused = LookupFailure.Of(
                new LookupResult.Refused(AddressScope.IsLocalNetwork(kind) ? RefusalReason.PrivateRange : RefusalReason.ReservedRange), normalised.ToString());
            return false;
        }

        address = normalised;
        refused = null;
        return true;
    }

    public static LookupFailure NotAnAsNumber { get; } = new(StatusCodes.Status400BadRequest, "Not an AS number",
        "Give an AS number such as 15169 or AS15169 (0 to 4294967295).");

    /// <summary>How an answer without a registration is told, for <paramref name="subject"/> (8.8.8.8, AS15169).</summary>
    public static LookupFailure Of(RdapAnswer answer, string subject) => answer.Outcome switch
    {
        RdapOutcome.NotFound => new(StatusCodes.Status404NotFound, "No registration found",
            $"The registry has no record of {subject}."),
        RdapOutcome.NoRegistry => new(StatusCodes.Status404NotFound, "No registry",
            $"IANA's RDAP bootstrap names no registry for {subject}."),
        RdapOutcome.NoBootstrap => new(StatusCodes.Status503ServiceUnavailable, "Registry list not loaded",
            "This server has not loaded IANA's list of registries (the RDAP bootstrap) yet. Try again in a minute.", BootstrapRetryAfterSeconds),
        // 503, not 429: the caller did nothing wrong; the registry asks us to wait.
        RdapOutcome.Throttled => new(StatusCodes.Status503ServiceUnavailable, "Registry busy",
            $"The registry asks for a pause. Try again in {answer.RetryAfterSeconds ?? 60} s.", answer.RetryAfterSeconds ?? 60),
        RdapOutcome.Timeout => new(StatusCodes.Status504GatewayTimeout, "Registry timed out",
            "The registry did not answer in time. Try again shortly."),
        _ => new(StatusCodes.Status502BadGateway, "Registry lookup failed",
            "The registry could not be asked, or sent an answer this server does not accept. Try again later."),
    };
}
