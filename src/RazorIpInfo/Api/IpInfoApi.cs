using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using RazorIpInfo.Hosting;
using RazorIpInfo.Lookup;
using RazorIpInfo.Lookup.HostNames;
using RazorIpInfo.Lookup.Networks;

namespace RazorIpInfo.Api;

/// <summary>The JSON API for scripts: the same lookups as the page, with ProblemDetails for every failure.</summary>
public static class IpInfoApi
{
    public const string StaleHeader = "X-Stale";

    public static IHostApplicationBuilder AddIpInfoApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenApi();
        builder.Services.Configure<ProblemDetailsOptions>(o => o.CustomizeProblemDetails += BatchApi.ExplainUnsupportedMediaType);
        return builder;
    }

    public static IEndpointRouteBuilder MapIpInfoApi(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi();

        var api = app.MapGroup("/api/ip-info")
            .WithTags("IP information");

        api.MapGet("/", GetCallerAsync)
            .WithName("GetCallerIpInfo")
            .WithSummary("Information about the caller's own public address.");

        // A catch-all, so that a network's slash (8.8.8.0/24, or 8.8.8.0%2F24) reaches the handler.
        api.MapGet("/{*ip}", GetAddressAsync)
            .WithName("GetIpInfo")
            .WithSummary("Information about one public IPv4 or IPv6 address, the first public address of a host name, or a network (8.8.8.0/24: its figures and who announces it).");

        api.MapBatchLookup();

        return app;
    }

    internal static async Task<Results<Ok<IpInfo>, ProblemHttpResult>> GetCallerAsync(
        HttpContext context, IpLookupService lookup, CancellationToken cancellationToken)
    {
        var result = await lookup.LookupVisitorAsync(VisitorAddress.From(context), UpstreamLanguage.Current, cancellationToken);
        return ToHttpResult(result, context);
    }

    internal static async Task<Results<Ok<IpInfo>, Ok<NetworkInfo>, ProblemHttpResult>> GetAddressAsync(
        string ip, HttpContext context, AddressQuery query, NetworkDatabase networks, CancellationToken cancellationToken)
    {
        // Kestrel leaves an escaped slash escaped in the path, so 8.8.8.0%2F24 arrives as typed.
        switch (NetworkReport.Read(ip.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase), networks, out var report))
        {
            case NetworkInputKind.Network:
                return TypedResults.Ok(NetworkInfo.From(report!));
            case NetworkInputKind.Malformed:
                var failure = LookupFailure.NotANetwork;
                return TypedResults.Problem(statusCode: failure.Status, title: failure.Title, detail: failure.Detail);
        }

        var answer = await query.LookupAsync(ip, UpstreamLanguage.Current, refresh: false, cancellationToken);
        var result = ToHttpResult(answer.Result, context, answer.Query, answer.Host).Result;
        return result is Ok<IpInfo> ok ? ok : (ProblemHttpResult)result;
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

        var failure = LookupFailure.Of(result, address, host);
        if (failure.RetryAfterSeconds is { } seconds)
        {
            context.Response.Headers[HeaderNames.RetryAfter] = seconds.ToString(CultureInfo.InvariantCulture);
        }

        return TypedResults.Problem(statusCode: failure.Status, title: failure.Title, detail: failure.Detail);
    }
}
