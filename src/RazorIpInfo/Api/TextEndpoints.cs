using System.Globalization;
using System.Text;
using Microsoft.Net.Http.Headers;
using RazorIpInfo.Hosting;
using RazorIpInfo.Lookup;
using RazorIpInfo.Lookup.HostNames;
using RazorIpInfo.Lookup.Networks;
using RazorIpInfo.Lookup.Tor;

namespace RazorIpInfo.Api;

/// <summary>One value per URL as a line of plain text, for scripts: <c>curl -s host/country</c>.</summary>
public static class TextEndpoints
{
    // The last column answers for a network typed in place of an address (8.8.8.0/24); null where a network has no such value.
    private static readonly (string Path, Func<IpInfo, string?> Field, Func<NetworkInfo, string?>? NetworkField)[] Fields =
    [
        ("/ip", info => info.Address, null),
        ("/country", info => info.Country, null),
        ("/country-iso", info => info.CountryCode, null),
        ("/city", info => info.City, null),
        ("/asn", info => info.AsNumber, network => network.AnnouncedBy?.AsNumber),
        ("/asn-org", info => info.AsName, network => network.AnnouncedBy?.Organisation),
        ("/network", info => info.Network, network => network.Network),
        ("/coordinates", info => info is { Latitude: { } lat, Longitude: { } lon }
            ? string.Create(CultureInfo.InvariantCulture, $"{lat},{lon}")
            : null, null),
    ];

    /// <summary>A network's figures as "name: value" lines: <c>curl host/prefix?ip=8.8.8.0/24</c>.</summary>
    public const string NetworkPath = "/prefix";

    public static IEndpointRouteBuilder MapTextEndpoints(this IEndpointRouteBuilder app)
    {
        foreach (var (path, field, networkField) in Fields)
        {
            app.MapGet(path, (string? ip, HttpContext context, IpLookupService lookup, AddressQuery query, NetworkDatabase networks, CancellationToken cancellationToken) =>
                    NetworkAnswer(ip, networks, path, networkField) is { } answer ? Task.FromResult(answer)
                    : path == "/ip" ? AddressAsync(ip, context, lookup, query, networks, cancellationToken)
                    : AnswerAsync(ip, field, context, lookup, query, cancellationToken))
                .ExcludeFromDescription();
        }

        app.MapGet(NetworkPath, (string? ip, NetworkDatabase networks) =>
                NetworkAnswer(ip, networks, NetworkPath, network => network.ToText()) ??
                Line($"Give a network: {NetworkPath}?ip=8.8.8.0/24 or {NetworkPath}?ip=2001:db8::/32", StatusCodes.Status400BadRequest))
            .ExcludeFromDescription();

        app.MapGet("/tor", (string? ip, HttpContext context, IpLookupService lookup, AddressQuery query, TorExits tor, CancellationToken cancellationToken) =>
                TorAsync(ip, context, lookup, query, tor, cancellationToken))
            .ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// A network typed in place of an address: its value as a line, or where the path has none for a network, the
    /// path that has; a malformed network is the form to write. Null when <paramref name="ip"/> is not a network.
    /// </summary>
    internal static IResult? NetworkAnswer(string? ip, NetworkDatabase networks, string path, Func<NetworkInfo, string?>? field)
    {
        switch (NetworkReport.Read(ip, networks, out var report))
        {
            case NetworkInputKind.Malformed:
                return Line(LookupFailure.NotANetwork.Line, LookupFailure.NotANetwork.Status);
            case NetworkInputKind.Network:
                var info = NetworkInfo.From(report!);
                if (field is null)
                {
                    return Line($"{info.Network} is a network, which has no {path[1..]}: {NetworkPath}?ip={info.Network} gives its figures", StatusCodes.Status400BadRequest);
                }

                return field(info) is { Length: > 0 } value
                    ? Line(value, StatusCodes.Status200OK)
                    : Line("Not known for this network", StatusCodes.Status404NotFound);
            default:
                return null;
        }
    }

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
    internal static Task<IResult> AddressAsync(
        string? ip, HttpContext context, IpLookupService lookup, AddressQuery query, NetworkDatabase networks, CancellationToken cancellationToken)
    {
        // curl host/?ip=8.8.8.0/24 prints the network's figures, as /prefix does.
        if (NetworkAnswer(ip, networks, NetworkPath, network => network.ToText()) is { } network)
        {
            return Task.FromResult(network);
        }

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
