using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;
using RazorIpInfo.Lookup;
using RazorIpInfo.Lookup.IpApi;

namespace RazorIpInfo.Bulk;

/// <summary>
/// ip-api.com's <c>POST /batch</c>: up to 100 addresses in one request, answered in order. It has a
/// budget of its own (15 requests a minute on the free tier) and a resilience pipeline of its own, so
/// bulk lookups never spend what single lookups need. Each answer is read by <see cref="IpApiClient"/>,
/// so a batch answer is trusted exactly as far as a single one.
/// </summary>
public sealed partial class IpApiBatchClient(
    HttpClient http,
    IpApiClient reader,
    IOptions<IpApiOptions> options,
    ILogger<IpApiBatchClient> logger)
{
    public const int MaxPerRequest = 100;

    /// <summary>One result per address, in order. Never throws for an upstream failure.</summary>
    public async Task<IReadOnlyList<LookupResult>> LookupAsync(
        IReadOnlyList<IPAddress> addresses, string language, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(addresses.Count, MaxPerRequest);
        if (addresses.Count == 0)
        {
            return [];
        }

        try
        {
            // Only normalised IPAddress text goes upstream, never what the visitor typed.
            var queries = addresses.Select(a => new BatchQuery(a.ToString(), IpApiClient.Fields, language)).ToList();
            using var response = await http.PostAsJsonAsync(RequestUri(), queries, BatchJsonContext.Default.ListBatchQuery, cancellationToken);

            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                var retryAfter = IpApiClient.QuotaResetIn(response);
                LogQuotaExhausted(logger, retryAfter.TotalSeconds);
                return All(addresses, new LookupResult.QuotaExhausted(retryAfter));
            }

            if (!response.IsSuccessStatusCode)
            {
                LogUpstreamStatus(logger, (int)response.StatusCode);
                return All(addresses, new LookupResult.Unavailable(UnavailableReason.Error));
            }

            var answers = await response.Content.ReadFromJsonAsync(BatchJsonContext.Default.ListIpApiResponse, cancellationToken);
            if (answers is null || answers.Count != addresses.Count)
            {
                LogMalformedAnswer(logger);
                return All(addresses, new LookupResult.Unavailable(UnavailableReason.Error));
            }

            return [.. addresses.Select((address, i) => Read(address, answers[i]))];
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is TimeoutRejectedException or OperationCanceledException)
        {
            LogUpstreamTimeout(logger);
            return All(addresses, new LookupResult.Unavailable(UnavailableReason.Timeout));
        }
        catch (BrokenCircuitException)
        {
            LogCircuitOpen(logger);
            return All(addresses, new LookupResult.Unavailable(UnavailableReason.Error));
        }
        catch (HttpRequestException ex)
        {
            // Refused, reset, or a body over MaxResponseContentBufferSize. The message holds no query string.
            LogUpstreamUnreachable(logger, ex.HttpRequestError, ex.Message);
            return All(addresses, new LookupResult.Unavailable(UnavailableReason.Error));
        }
        catch (JsonException)
        {
            LogMalformedAnswer(logger);
            return All(addresses, new LookupResult.Unavailable(UnavailableReason.Error));
        }
    }

    private string RequestUri()
    {
        var key = options.Value.Key;
        return string.IsNullOrEmpty(key) ? "batch" : "batch?key=" + Uri.EscapeDataString(key);
    }

    /// <summary>An answer about another address than the one asked in its place is not believed.</summary>
    private LookupResult Read(IPAddress asked, IpApiResponse? answer)
    {
        var result = answer is null ? new LookupResult.Unavailable(UnavailableReason.Error) : reader.Map(asked, answer);
        if (result is LookupResult.Found found && found.Info.Address != asked.ToString())
        {
            LogMismatchedAnswer(logger);
            return new LookupResult.Unavailable(UnavailableReason.Error);
        }

        return result;
    }

    private static LookupResult[] All(IReadOnlyList<IPAddress> addresses, LookupResult result) =>
        [.. Enumerable.Repeat(result, addresses.Count)];

    [LoggerMessage(Level = LogLevel.Warning, Message = "ip-api.com batch quota exhausted; it resets in {Seconds} s")]
    private static partial void LogQuotaExhausted(ILogger logger, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ip-api.com batch answered HTTP {StatusCode}")]
    private static partial void LogUpstreamStatus(ILogger logger, int statusCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ip-api.com batch did not answer in time")]
    private static partial void LogUpstreamTimeout(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ip-api.com batch circuit is open; failing fast")]
    private static partial void LogCircuitOpen(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ip-api.com batch unreachable ({Error}): {Reason}")]
    private static partial void LogUpstreamUnreachable(ILogger logger, HttpRequestError error, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ip-api.com batch sent an answer that is not the expected JSON array")]
    private static partial void LogMalformedAnswer(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ip-api.com batch answered about another address than the one asked; that answer is dropped")]
    private static partial void LogMismatchedAnswer(ILogger logger);
}

internal sealed record BatchQuery(string Query, string Fields, string Lang);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(List<BatchQuery>))]
[JsonSerializable(typeof(List<IpApiResponse>))]
internal sealed partial class BatchJsonContext : JsonSerializerContext;
