using Microsoft.Net.Http.Headers;
using RazorIpInfo.Lookup;

namespace RazorIpInfo.Api;

public enum RootFormat
{
    Html,
    Json,
    Text,
}

/// <summary>
/// <c>/</c> answers in the form the client asked for, as ifconfig.co does: command-line tools get the
/// address as a line of text, <c>Accept: application/json</c> gets the JSON API's answer, browsers the page.
/// </summary>
public static class ContentNegotiation
{
    private static readonly string[] CommandLineAgents = ["curl/", "Wget/", "HTTPie/", "xh/"];

    public static IApplicationBuilder UseRootContentNegotiation(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (!(HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)) ||
                context.Request.Path != "/")
            {
                await next(context);
                return;
            }

            context.Response.Headers.Append(HeaderNames.Vary, $"{HeaderNames.Accept}, {HeaderNames.UserAgent}");
            var format = Choose(context.Request);
            if (format == RootFormat.Html)
            {
                await next(context);
                return;
            }

            var ip = context.Request.Query["ip"].ToString();
            var lookup = context.RequestServices.GetRequiredService<IpLookupService>();
            var query = context.RequestServices.GetRequiredService<RazorIpInfo.Lookup.HostNames.AddressQuery>();
            var aborted = context.RequestAborted;
            IResult result = format == RootFormat.Json
                ? string.IsNullOrWhiteSpace(ip)
                    ? await IpInfoApi.GetCallerAsync(context, lookup, aborted)
                    : await IpInfoApi.GetAddressAsync(ip, context, query, aborted)
                : await TextEndpoints.AddressAsync(ip, context, lookup, query, aborted);
            await result.ExecuteAsync(context);
        });

    /// <summary>
    /// The Accept header decides when it names one of our forms; a bare <c>*/*</c> (what curl and wget
    /// send) leaves it to the User-Agent.
    /// </summary>
    public static RootFormat Choose(HttpRequest request)
    {
        var preferred = request.GetTypedHeaders().Accept
            .Where(accept => accept.Quality is not 0)
            .OrderByDescending(accept => accept.Quality ?? 1)
            .Select(accept => accept.MediaType.Value?.ToLowerInvariant() switch
            {
                "text/html" or "application/xhtml+xml" => RootFormat.Html,
                "application/json" => RootFormat.Json,
                "text/plain" => RootFormat.Text,
                _ => (RootFormat?)null,
            })
            .FirstOrDefault(format => format is not null);
        if (preferred is { } format)
        {
            return format;
        }

        var agent = request.Headers.UserAgent.ToString();
        return CommandLineAgents.Any(prefix => agent.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            ? RootFormat.Text
            : RootFormat.Html;
    }
}
