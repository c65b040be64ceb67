using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using RazorIpInfo.Bulk;
using RazorIpInfo.Lookup;
using RazorIpInfo.Protection;

namespace RazorIpInfo.Api;

/// <summary><c>POST /api/ip-info/batch</c>: many addresses in one request, for scripts reading logs.</summary>
public static partial class BatchApi
{
    public static RouteGroupBuilder MapBatchLookup(this RouteGroupBuilder api)
    {
        api.MapPost("/batch", LookupBatchAsync)
            .WithName("LookupIpInfoBatch")
            .WithSummary("Information about up to 1,000 addresses at once.")
            .WithDescription(
                "The body is a JSON array of address strings. The answer is an array in the same order: for each " +
                "address the record GET /api/ip-info/{ip} returns, or a ProblemDetails-style object saying why there " +
                "is none (with the entry as given in \"query\"). Each distinct public address counts as one lookup " +
                "against the caller's rate limit. Addresses the cache holds cost nothing upstream; the rest are asked " +
                "100 at a time, and the offline database answers when the upstream's batch budget is spent (the " +
                "\"provider\" field says which answered).")
            .Accepts<string[]>("application/json")
            .Produces<IpInfo[]>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithBulkDeadline();
        return api;
    }

    /// <summary>
    /// Routing answers a body that is not JSON with 415 before the endpoint runs (it reads the endpoint's
    /// Accepts metadata); this adds the sentence that says what to send instead.
    /// </summary>
    public static void ExplainUnsupportedMediaType(ProblemDetailsContext context)
    {
        if (context.ProblemDetails.Status == StatusCodes.Status415UnsupportedMediaType &&
            context.HttpContext.Request.Path.StartsWithSegments("/api/ip-info/batch"))
        {
            context.ProblemDetails.Detail ??= NotJson;
        }
    }

    private const string NotJson = "Send the addresses as a JSON array with Content-Type: application/json, such as [\"8.8.8.8\", \"1.1.1.1\"].";

    internal static async Task<Results<Ok<List<object>>, ProblemHttpResult>> LookupBatchAsync(
        HttpContext context,
        IpLookupService lookup,
        ClientLookupLimiter limiter,
        IOptions<BulkOptions> options,
        CancellationToken cancellationToken)
    {
        var limits = options.Value;
        if (!context.Request.HasJsonContentType())
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported Media Type", detail: NotJson);
        }

        if (TooLarge(context, limits) is { } tooLarge)
        {
            return tooLarge;
        }

        List<string> texts;
        try
        {
            texts = await ReadAddressesAsync(context.Request.Body, limits.MaxAddresses, cancellationToken);
        }
        catch (JsonException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Not a JSON array of addresses",
                detail: "The body must be a JSON array of strings, each an IPv4 or IPv6 address, such as [\"8.8.8.8\", \"2001:4860:4860::8888\"].");
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return BodyTooLarge(limits);
        }
        catch (Exception ex) when (ClientWentAway(ex, context))
        {
            // Nobody is left to read an answer, and a client closing its upload is no fault of the site.
            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(BatchApi));
            LogClientWentAway(logger);

            // Ends the connection instead of letting Kestrel drain a body that will never come: after a reset its
            // reader is left mid-read, and the drain would log an Error of its own.
            context.Abort();
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Request body incomplete",
                detail: "The connection closed before the whole body arrived.");
        }

        if (texts.Count > limits.MaxAddresses)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too many addresses",
                detail: string.Create(CultureInfo.InvariantCulture,
                    $"The list has more than {limits.MaxAddresses} addresses, the most one request may hold. Split it into smaller requests."));
        }

        // The request itself was counted before its body was read (RateLimits); the client's lookup allowance
        // bounds only what goes upstream, and the other providers answer the rest (issue 29).
        var client = RateLimits.ClientKey(context);
        var entries = texts.Select(BulkInput.FromString).ToList();
        var result = await BulkResult.LookupAsync(lookup, entries, UpstreamLanguage.Current, wanted => limiter.TakeUpTo(client, wanted), cancellationToken);
        result.SayWhenToRetry(context.Response);
        return TypedResults.Ok(BulkExport.Items(result));
    }

    /// <summary>A body larger than the limit is refused before it is read; one that grows past it while read, by Kestrel.</summary>
    private static ProblemHttpResult? TooLarge(HttpContext context, BulkOptions limits)
    {
        if (context.Request.ContentLength > limits.MaxInputBytes)
        {
            return BodyTooLarge(limits);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limits.MaxInputBytes;
        }

        return null;
    }

    private static ProblemHttpResult BodyTooLarge(BulkOptions limits) =>
        TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request too large",
            detail: string.Create(CultureInfo.InvariantCulture,
                $"The body is larger than {limits.MaxInputBytes / 1024} KB. Send at most {limits.MaxAddresses} addresses per request."));

    /// <summary>
    /// Reads a JSON array of strings as it arrives, a buffer at a time, and stops one past <paramref name="max"/>:
    /// a body is never held whole, so a slow upload holds kilobytes, not its megabyte. Anything else (an object,
    /// a number or null in the array, nesting) is a JsonException.
    /// </summary>
    private static async Task<List<string>> ReadAddressesAsync(Stream body, int max, CancellationToken cancellationToken)
    {
        var texts = new List<string>();
        await foreach (var text in JsonSerializer.DeserializeAsyncEnumerable<string>(body, ReadOptions, cancellationToken))
        {
            texts.Add(text ?? throw new JsonException("Not a string."));
            if (texts.Count > max)
            {
                break;
            }
        }

        return texts;
    }

    private static readonly JsonSerializerOptions ReadOptions = new() { MaxDepth = 2 };

    /// <summary>
    /// A body cut short: Kestrel reports the closed connection as a 400 BadHttpRequestException ("unexpected end of
    /// request content"), a reset as an IOException, and an abort noticed first as the request's cancellation. The
    /// request's own deadline passing is not the client going away: that is answered 408 by the timeouts middleware.
    /// </summary>
    private static bool ClientWentAway(Exception ex, HttpContext context) =>
        ex is IOException ||
        (ex is BadHttpRequestException bad && bad.StatusCode == StatusCodes.Status400BadRequest) ||
        (ex is OperationCanceledException && context.RequestAborted.IsCancellationRequested &&
         context.Features.Get<IHttpRequestTimeoutFeature>()?.RequestTimeoutToken.IsCancellationRequested != true);

    [LoggerMessage(Level = LogLevel.Debug, Message = "A batch upload ended before its body was complete; the client went away")]
    private static partial void LogClientWentAway(ILogger logger);
}
