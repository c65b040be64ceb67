using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using RazorIpInfo.Lookup.Networks;

namespace RazorIpInfo.Api;

/// <summary>One family's share of an AS. IPv6 address counts exceed what JSON numbers hold exactly, so they are strings.</summary>
public sealed record AsFamily(int Prefixes, string Addresses);

public sealed record AsPrefixEntry(string Prefix, string FirstAddress);

/// <summary>What the offline network data says about one autonomous system, one page of prefixes at a time.</summary>
public sealed record AsInfo(
    string AsNumber, string Organisation, AsFamily Ipv4, AsFamily Ipv6, int Page, int PageCount, IReadOnlyList<AsPrefixEntry> Prefixes, string Source);

/// <summary><c>/api/as/{number}</c>: the JSON form of the /AS{number} page.</summary>
public static class AsApi
{
    public static IEndpointRouteBuilder MapAsApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/as")
            .WithTags("Autonomous systems")
            .MapGet("/{number}", GetAs)
            .WithName("GetAs")
            .WithSummary("An autonomous system from the offline network data: organisation, counts and prefixes (100 per page).");
        return app;
    }

    internal static Results<Ok<AsInfo>, ProblemHttpResult> GetAs(string number, int? page, NetworkDatabase networks)
    {
        if (!AsPaging.TryParseNumber(number, out var asNumber))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Not an AS number",
                detail: "Give an AS number such as 15169 or AS15169 (0 to 4294967295).");
        }

        if (networks.DescribeAs(asNumber) is not { } summary)
        {
            // Without the data, "announces no addresses" would be a false statement about the AS.
            if (networks.Unloaded is { Count: > 0 } missing)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Network data not loaded",
                    detail: $"Network data is not loaded on this server ({string.Join(", ", missing)} missing), so there is no answer about AS{asNumber}: whoever runs it can load it with scripts/fetch-asn.sh.");
            }

            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown AS",
                detail: $"AS{asNumber} announces no addresses in the offline network data.");
        }

        if (AsPaging.Page(summary, page ?? 1) is not { } prefixes)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such page",
                detail: $"AS{asNumber} has {AsPaging.PageCount(summary)} pages of prefixes.");
        }

        return TypedResults.Ok(new AsInfo(
            $"AS{asNumber}", summary.Organisation,
            new AsFamily(summary.Ipv4Prefixes, summary.Ipv4Addresses.ToString(CultureInfo.InvariantCulture)),
            new AsFamily(summary.Ipv6Prefixes, summary.Ipv6Addresses.ToString(CultureInfo.InvariantCulture)),
            page ?? 1, AsPaging.PageCount(summary),
            [.. prefixes.Select(p => new AsPrefixEntry(p.Text, p.FirstAddress))],
            "RouteViews, NRO and DB-IP via ip-location-db (CC BY 4.0)"));
    }
}
