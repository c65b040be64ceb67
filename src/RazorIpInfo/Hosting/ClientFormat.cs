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
        IsApi(context.Request) ? ResponseFormat.Json : Negotiated(context);

    /// <summary>
    /// <see cref="Negotiate"/>, once per request. The error pages ask in each of their six branches, then `/` and
    /// any error writer; parsing the Accept header each time was a measurable share of a plain-text answer
    /// (docs/performance.md). Accept and User-Agent do not change while a request runs.
    /// </summary>
    public static ResponseFormat Negotiated(HttpContext context)
    {
        if (context.Features.Get<Negotiation>() is { } known)
        {
            return known.Format;
        }

        var format = Negotiate(context.Request);
        context.Features.Set(Negotiation.Of(format));
        return format;
    }

    /// <summary>The request's negotiated form; one shared instance per form, so remembering it allocates nothing.</summary>
    private sealed class Negotiation(ResponseFormat format)
    {
        private static readonly Negotiation[] All = [new(ResponseFormat.Html), new(ResponseFormat.Json), new(ResponseFormat.Text)];

        public ResponseFormat Format { get; } = format;

        public static Negotiation Of(ResponseFormat format) => All[(int)format];
    }

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
