using System.Globalization;
using System.Text;
using Microsoft.Net.Http.Headers;
using RazorIpInfo.Hosting;
using RazorIpInfo.Lookup;
using RazorIpInfo.Lookup.HostNames;
using RazorIpInfo.Lookup.Tor;

namespace RazorIpInfo.Api;

/// <summary>One value per URL as a line of plain text, for scripts: <c>curl -s host/country</c>.</summary>
public static class TextEndpoints
{
    private static readonly (string Path, Func<IpInfo, string?> Field)[] Fields =
    [
        ("/ip", info => info.Address),
        ("/country", info => info.Country),
        ("/country-iso", info => info.CountryCode),
        ("/city", info => info.City),
        ("/asn", info => info.AsNumber),
        ("/asn-org", info => info.AsName),
        ("/network", info => info.Network),
        ("/coordinates", info => info is { Latitude: { } lat, Longitude: { } lon }
            ? string.Create(CultureInfo.InvariantCulture, $"{lat},{lon}")
            : null),
    ];

    public static IEndpointRouteBuilder MapTextEndpoints(this IEndpointRouteBuilder app)
    {
        foreach (var (path, field) in Fields)
        {
            app.MapGet(path, (string? ip, HttpContext context, IpLookupService lookup, AddressQuery query, CancellationToken cancellationToken) =>
                    path == "/ip" ? AddressAsync(ip, context, lookup, query, cancellationToken) : AnswerAsync(ip, field, context, lookup, query, cancellationToken))
                .ExcludeFromDescription();
        }

        app.MapGet("/tor", (string? ip, HttpContext context, IpLookupService lookup, AddressQuery query, TorExits tor, CancellationToken cancellationToken) =>
                TorAsync(ip, context, lookup, query, tor, cancellationToken))
            .ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// "yes", "no", or "unknown" while no exit list is loaded. A public address is answered from the list
    /// alone, without a lookup (no upstream budget spent, and an answer while ip-api.com is down); a host
    /// name, the visitor's own address and anything that is not a public address go through the lookup.
    /// </summary>
    internal static Task<IResult> TorAsync(
        string? ip, HttpContext context, IpLookupService lookup, AddressQuery query, TorExits tor, CancellationToken cancellationToken)
    {
        var known = string.IsNullOrWhiteSpace(ip) ? VisitorAddress.From(context).Address
            : AddressInput.TryParse(ip, out var typed) ? AddressInput.Normalise(typed)
            : null;
        return known is not null && AddressScope.Classify(known) == AddressKind.Public
            ? Task.FromResult(Line(TorAnswer(tor.IsExit(known)), StatusCodes.Status200OK))
            : AnswerAsync(ip, info => TorAnswer(info.TorExit), context, lookup, query, cancellationToken);
    }

    private static string TorAnswer(bool? exit) => exit switch
    {
        true => "yes",
        false => "no",
        null => "unknown",
    };

    /// <summary>The address's field as a line; a failure as a short line with the same status as the JSON API.</summary>
    internal static async Task<IResult> AnswerAsync(
        string? ip, Func<IpInfo, string?> field, HttpContext context, IpLookupService lookup, AddressQuery query, CancellationToken cancellationToken)
    {
        LookupResult result;
        string? asked = null;
        HostResolution? host = null;
        if (string.IsNullOrWhiteSpace(ip))
        {
            result = await lookup.LookupVisitorAsync(VisitorAddress.From(context), UpstreamLanguage.Current, cancellationToken);
        }
        else
        {
            (result, asked, host) = await query.LookupAsync(ip, UpstreamLanguage.Current, refresh: false, cancellationToken);
        }

        if (result is LookupResult.Found { Info: var info })
        {
            return field(info) is { Length: > 0 } value
                ? Line(value, StatusCodes.Status200OK)
                : Line("Not known for this address", StatusCodes.Status404NotFound);
        }

        var failure = LookupFailure.Of(result, asked, host);
        if (failure.RetryAfterSeconds is { } seconds)
        {
            context.Response.Headers[HeaderNames.RetryAfter] = seconds.ToString(CultureInfo.InvariantCulture);
        }

        return Line(failure.Line, failure.Status);
    }

    /// <summary>
    /// The address as text: what <c>curl host/</c> and <c>/ip</c> print. A public address is its own answer,
    /// so it needs no lookup, which keeps the most-requested answer fast and makes it work while ip-api.com
    /// does not. A visitor on a local network gets the server's public address, which only a lookup knows;
    /// a host name needs resolving; a private or malformed address gets the lookup's explanation.
    /// </summary>
    internal static Task<IResult> AddressAsync(string? ip, HttpContext context, IpLookupService lookup, AddressQuery query, CancellationToken cancellationToken)
    {
        var known = string.IsNullOrWhiteSpace(ip) ? VisitorAddress.From(context).Address
            : AddressInput.TryParse(ip, out var typed) ? AddressInput.Normalise(typed)
            : null;
        return known is not null && AddressScope.Classify(known) == AddressKind.Public
            ? Task.FromResult(Line(known.ToString(), StatusCodes.Status200OK))
            : AnswerAsync(ip, info => info.Address, context, lookup, query, cancellationToken);
    }

    private static IResult Line(string text, int status) =>
        Results.Text(text + "\n", "text/plain", Encoding.UTF8, status);
}
