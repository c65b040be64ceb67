using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using RazorIpInfo.Lookup;
using RazorIpInfo.Lookup.HostNames;
using RazorIpInfo.Protection;

namespace RazorIpInfo.Api;

/// <summary>The JSON API for scripts: the same lookups as the page, with ProblemDetails for every failure.</summary>
public static class IpInfoApi
{
    public const string StaleHeader = "X-Stale";

    public static IHostApplicationBuilder AddIpInfoApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();
        return builder;
    }

    public static IEndpointRouteBuilder MapIpInfoApi(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi();

        var api = app.MapGroup("/api/ip-info")
            .WithTags("IP information")
            .RequireRateLimiting(RateLimits.Policy)
            .AnswerHeadLikeGet();

        api.MapGet("/", GetCallerAsync)
            .WithName("GetCallerIpInfo")
            .WithSummary("Information about the caller's own public address.");

        // A catch-all, so that "8.8.8.8/24" is answered as a bad address rather than an unknown route.
        api.MapGet("/{*ip}", GetAddressAsync)
            .WithName("GetIpInfo")
            .WithSummary("Information about one public IPv4 or IPv6 address, or the first public address of a host name.");

        api.MapBatchLookup();

        return app;
    }

    internal static async Task<Results<Ok<IpInfo>, ProblemHttpResult>> GetCallerAsync(
        HttpContext context, IpLookupService lookup, CancellationToken cancellationToken)
    {
        var result = await lookup.LookupVisitorAsync(VisitorAddress.From(context), UpstreamLanguage.Current, cancellationToken);
        return ToHttpResult(result, context);
    }

    internal static async Task<Results<Ok<IpInfo>, ProblemHttpResult>> GetAddressAsync(
        string ip, HttpContext context, AddressQuery query, CancellationToken cancellationToken)
    {
        var answer = await query.LookupAsync(ip, UpstreamLanguage.Current, refresh: false, cancellationToken);
        return ToHttpResult(answer.Result, context, answer.Query, answer.Host);
    }

    private static Results<Ok<IpInfo>, ProblemHttpResult> ToHttpResult(
        LookupResult result, HttpContext context, string? address = null, HostResolution? host = null)
    {
        if (result is LookupResult.Found found)
        {
            // Age is the standard header for "how old is this answer"; X-Stale says the provider failed
            // and this is the last good answer kept for that case.
            context.Response.Headers[HeaderNames.Age] = ((long)found.Age.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            if (found.Stale)
            {
                context.Response.Headers[StaleHeader] = "true";
            }

            return TypedResults.Ok(found.Info);
        }

        var failure = Describe(result, address, host);
        if (failure.RetryAfterSeconds is { } seconds)
        {
            context.Response.Headers[HeaderNames.RetryAfter] = seconds.ToString(CultureInfo.InvariantCulture);
        }

        return TypedResults.Problem(statusCode: failure.Status, title: failure.Title, detail: failure.Detail);
    }

    private const int BusyRetryAfterSeconds = 5;

    /// <summary>How a failed lookup is answered over HTTP; shared with the plain-text endpoints.</summary>
    internal static LookupFailure Describe(LookupResult result, string? address = null, HostResolution? host = null)
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

            case LookupResult.Unavailable { Reason: UnavailableReason.Unreachable }:
                return new(StatusCodes.Status502BadGateway, "IP information service unreachable",
                    "This server cannot reach the IP information service. Try again later.");

            default:
                return new(StatusCodes.Status502BadGateway, "Lookup failed",
                    "The IP information service could not answer. Try again shortly.");
        }
    }
}

/// <summary>A failed lookup as HTTP: status, a short title, a sentence, and for a spent quota the wait.</summary>
internal sealed record LookupFailure(int Status, string Title, string Detail, int? RetryAfterSeconds = null);
