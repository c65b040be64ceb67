using RazorIpInfo.Lookup.HostNames;

namespace RazorIpInfo.Lookup;

/// <summary>A failed lookup as HTTP: status, a short title, a sentence, and for a spent quota the wait.</summary>
public sealed record LookupFailure(int Status, string Title, string Detail, int? RetryAfterSeconds = null)
{
    /// <summary>The title alone would leave a curl user without the cause and the fix, so the text endpoints print the detail.</summary>
    public bool DetailIsTheLine { get; init; }

    /// <summary>What the plain-text endpoints print.</summary>
    public string Line => DetailIsTheLine ? Detail : Title;

    private const int BusyRetryAfterSeconds = 5;

    /// <summary>Text with a slash that is not a network (<see cref="AddressInput.ReadNetwork"/>): the form to write instead.</summary>
    public static LookupFailure NotANetwork { get; } = new(StatusCodes.Status400BadRequest, "Not a network",
        "Write a network as an address, a slash and a prefix length, with nothing in between: 8.8.8.0/24 (IPv4, four decimal numbers, a length from 0 to 32) or 2001:db8::/32 (IPv6, a length from 0 to 128).")
    { DetailIsTheLine = true };

    /// <summary>How a failed lookup is answered over HTTP, by the API, the plain-text endpoints and bulk exports alike.</summary>
    public static LookupFailure Of(LookupResult result, string? address = null, HostResolution? host = null)
    {
        switch (host?.Outcome)
        {
            case HostNameOutcome.NotFound:
                return new(StatusCodes.Status404NotFound, "Host name not found",
                    $"{host.Name} has no IPv4 or IPv6 address in this server's DNS.");
            case HostNameOutcome.Failed:
                return new(StatusCodes.Status504GatewayTimeout, "Name lookup failed",
                    $"This server could not resolve {host.Name} in time. Try again shortly.");
            case HostNameOutcome.Busy:
                // 503 with a short wait: the name may be fine, this server is only resolving too many at once.
                return new(StatusCodes.Status503ServiceUnavailable, "Too many name lookups at once",
                    "This server is resolving too many host names at once. Try again in a few seconds.", BusyRetryAfterSeconds);
            case HostNameOutcome.NonPublic:
                // Which private addresses is the server's internal DNS, not the visitor's business.
                return new(StatusCodes.Status422UnprocessableEntity, "Non-public host name",
                    $"{host.Name} resolves to non-public addresses, so there is no public information about it.");
            case HostNameOutcome.NumericAddress:
                return new(StatusCodes.Status400BadRequest, "Address in a numeric form",
                    "Write an IPv4 address as four decimal numbers from 0 to 255, such as 8.8.8.8. Other forms (134744072, 010.8.8.8, 0x08080808) mean different addresses to different programs, so they are read neither as addresses nor as host names.");
            case HostNameOutcome.SingleLabel:
                return new(StatusCodes.Status400BadRequest, "Not a full host name",
                    "Give a full host name such as example.com. A single name such as db or localhost is not looked up: this server's resolver would complete it with its own local domains.");
        }

        switch (result)
        {
            case LookupResult.QuotaExhausted quota:
                var seconds = (int)Math.Ceiling(quota.RetryAfter.TotalSeconds);
                // 503, not 429: the caller did nothing wrong; the service we depend on is busy.
                return new(StatusCodes.Status503ServiceUnavailable, "Lookup quota exhausted",
                    $"The IP information service has no lookups left for now. Try again in {seconds} s.", seconds);

            case LookupResult.Refused { Reason: RefusalReason.InvalidAddress }:
                return new(StatusCodes.Status400BadRequest, "Not an IP address",
                    "Give an IPv4 address such as 8.8.8.8, an IPv6 address such as 2001:4860:4860::8888, or a host name such as example.com.");

            case LookupResult.Refused { Reason: RefusalReason.PrivateRange }:
                return new(StatusCodes.Status422UnprocessableEntity, "Private address",
                    $"{address ?? "The address"} belongs to a private or local network, so there is no public information about it.");

            case LookupResult.Refused:
                return new(StatusCodes.Status422UnprocessableEntity, "Reserved address",
                    $"{address ?? "The address"} is reserved for special use (documentation, multicast, future use), so there is no public information about it.");

            case LookupResult.Unavailable { Reason: UnavailableReason.Timeout }:
                return new(StatusCodes.Status504GatewayTimeout, "Lookup timed out",
                    "The IP information service did not answer in time. Try again shortly.");

            // Not "try again shortly": the reason is kept while the outage lasts, and the fix is the operator's.
            case LookupResult.Unavailable { Reason: UnavailableReason.Unreachable, OfflineDatabaseLoaded: false }:
                return new(StatusCodes.Status502BadGateway, "IP information service unreachable",
                    "This server cannot reach ip-api.com: whoever runs it can open that route, or fetch the offline database (scripts/fetch-geodb.sh) so that lookups work without ip-api.com.")
                { DetailIsTheLine = true };

            case LookupResult.Unavailable { Reason: UnavailableReason.Unreachable }:
                return new(StatusCodes.Status502BadGateway, "IP information service unreachable",
                    "This server cannot reach ip-api.com, and the offline database has no entry for this address: whoever runs the server can open the route to ip-api.com.")
                { DetailIsTheLine = true };

            case LookupResult.Unavailable { Reason: UnavailableReason.OwnAddressNeedsUpstream, OfflineDatabaseLoaded: var loaded }:
                return new(StatusCodes.Status502BadGateway, "Server's public address unknown",
                    "You are on this server's local network, so your public address is the server's, which only ip-api.com can tell, and this server cannot reach ip-api.com: " +
                    (loaded
                        ? "ask for another address (such as 8.8.8.8), which the offline database answers."
                        : "whoever runs it can open that route, or fetch the offline database (scripts/fetch-geodb.sh) to look up other addresses without ip-api.com."))
                { DetailIsTheLine = true };

            default:
                return new(StatusCodes.Status502BadGateway, "Lookup failed",
                    "The IP information service could not answer. Try again shortly.");
        }
    }
}
