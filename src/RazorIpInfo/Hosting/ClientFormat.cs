using Microsoft.Net.Http.Headers;

namespace RazorIpInfo.Hosting;

/// <summary>The three forms the site answers in.</summary>
public enum ResponseFormat
{
    Html,
    Json,
    Text,
}

/// <summary>
/// The one answer to "what form does this client want?", used by <c>/</c> and by every error writer
/// (the rate limiter's 429, the 421 of a misrouted family host, the exception handler, the status-code
/// pages), so that a script never gets a page and a browser never gets JSON.
/// </summary>
public static class ClientFormat
{
    /// <summary>Everything under it is the JSON API, whatever the request's Accept says.</summary>
    public const string ApiPrefix = "/api";

    private static readonly string[] CommandLineAgents = ["curl/", "Wget/", "HTTPie/", "xh/"];

    /// <summary>What the client wants: JSON under <see cref="ApiPrefix"/>, otherwise what <see cref="Negotiate"/> says.</summary>
    public static ResponseFormat Of(HttpContext context) =>
        IsApi(context.Request) ? ResponseFormat.Json : Negotiate(context.Request);

    public static bool IsApi(HttpRequest request) => request.Path.StartsWithSegments(ApiPrefix);

    /// <summary>
    /// The Accept header decides when it names one of our forms; a bare <c>*/*</c> (what curl and wget
    /// send) leaves it to the User-Agent.
    /// </summary>
    public static ResponseFormat Negotiate(HttpRequest request)
    {
        var preferred = request.GetTypedHeaders().Accept
            .Where(accept => accept.Quality is not 0)
            .OrderByDescending(accept => accept.Quality ?? 1)
            .Select(accept => accept.MediaType.Value?.ToLowerInvariant() switch
            {
                "text/html" or "application/xhtml+xml" => ResponseFormat.Html,
                "application/json" => ResponseFormat.Json,
                "text/plain" => ResponseFormat.Text,
                _ => (ResponseFormat?)null,
            })
            .FirstOrDefault(format => format is not null);
        if (preferred is { } format)
        {
            return format;
        }

        var agent = request.Headers.UserAgent.ToString();
        return CommandLineAgents.Any(prefix => agent.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            ? ResponseFormat.Text
            : ResponseFormat.Html;
    }
}
