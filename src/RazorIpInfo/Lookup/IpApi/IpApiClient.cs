using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;
using RazorIpInfo.Lookup.Quota;

namespace RazorIpInfo.Lookup.IpApi;

/// <summary>
/// ip-api.com for one address (<c>GET /json/{ip}</c>) or many (<c>POST /batch</c>, 100 at a time). Both endpoints
/// are called through the same hardened client set-up (<see cref="IpApiRegistration"/>), their answers read by the
/// same rules and mapped by the same <see cref="Map"/>, so a batch answer is trusted exactly as far as a single
/// one and becomes the same record. Every outcome, HTTP 200 with <c>status: fail</c> included, is a
/// <see cref="LookupResult"/>.
/// </summary>
public sealed partial class IpApiClient(
    IHttpClientFactory clients,
    IOptions<IpApiOptions> options,
    IOptions<IpApiBatchOptions> batchOptions,
    [FromKeyedServices(IpApiClient.ProviderName)] UpstreamCircuit circuit,
    [FromKeyedServices(IpApiClient.BatchName)] UpstreamCircuit batchCircuit,
    TimeProvider time,
    ILogger<IpApiClient> logger) : IIpInfoProvider
{
    public const string ProviderName = "ip-api.com";

    /// <summary>The batch endpoint's client, budget and circuit: counted apart by ip-api.com, so by us too.</summary>
    public const string BatchName = "ip-api.com:batch";

    public const int MaxPerBatch = 100;

    public string Name => ProviderName;

    internal const string Fields =
        "status,message,query,country,countryCode,region,regionName,city,zip,lat,lon,timezone,offset," +
        "isp,org,as,asname,reverse,mobile,proxy,hosting";

    private static readonly TimeSpan DefaultQuotaWindow = TimeSpan.FromMinutes(1);

    public async Task<LookupResult> LookupAsync(IPAddress? address, string language, CancellationToken cancellationToken)
    {
        // Only the normalised IPAddress text ever reaches the URL, never what the visitor typed. That
        // text is digits, hex, dots and colons: all legal in a path segment as they are.
        var path = (address is null ? "json/" : "json/" + address) + $"?fields={Fields}&lang={Uri.EscapeDataString(language)}";
        using var request = new HttpRequestMessage(HttpMethod.Get, WithKey(path));
        var exchange = await SendAsync(ProviderName, circuit, request, cancellationToken, cancellationToken);
        if (exchange.Failure is { } failure)
        {
            return failure;
        }

        try
        {
            var body = JsonSerializer.Deserialize(exchange.Body!, IpApiJsonContext.Default.IpApiResponse);
            return body is null ? Malformed(circuit, ProviderName) : Answered(circuit, ProviderName, Map(address, body));
        }
        catch (JsonException)
        {
            return Malformed(circuit, ProviderName);
        }
    }

    /// <summary>
    /// The batch endpoint, 100 addresses a request, all within <see cref="IpApiBatchOptions.Deadline"/>: what is not
    /// answered by then is <see cref="UnavailableReason.Timeout"/>, for the next provider to answer.
    /// </summary>
    public async Task<IReadOnlyList<LookupResult>> LookupManyAsync(
        IReadOnlyList<IPAddress> addresses, string language, UpstreamAllowance? allowance, CancellationToken cancellationToken)
    {
        var settings = batchOptions.Value;
        var results = new LookupResult[addresses.Count];
        using var deadline = new CancellationTokenSource(settings.Deadline, time);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var sent = addresses.Count;
        // The client's allowance bounds what reaches the upstream, not whether the list is answered: what it does
        // not cover is answered as spent, so that the next provider answers it.
        if (allowance?.Invoke(addresses.Count) is { } grant && grant.Granted < addresses.Count)
        {
            sent = Math.Max(0, grant.Granted);
            for (var i = sent; i < addresses.Count; i++)
            {
                results[i] = new LookupResult.QuotaExhausted(grant.RetryAfter);
            }
        }

        LookupResult? stop = null;
        // One batch after another: each answer says what is left of the budget before the next is sent.
        foreach (var chunk in Enumerable.Range(0, sent).Chunk(Math.Min(settings.BatchSize, MaxPerBatch)))
        {
            // Once the budget is spent, or the deadline passed, the rest is not even offered: the next provider answers.
            var answers = stop is not null ? [.. chunk.Select(_ => stop)]
                : bounded.IsCancellationRequested ? [.. chunk.Select(_ => TimedOut)]
                : await LookupBatchAsync([.. chunk.Select(i => addresses[i])], language, cancellationToken, bounded.Token);
            for (var j = 0; j < chunk.Length; j++)
            {
                results[chunk[j]] = answers[j];
            }

            stop ??= answers.OfType<LookupResult.QuotaExhausted>().FirstOrDefault();
        }

        return results;
    }

    private static readonly LookupResult TimedOut = new LookupResult.Unavailable(UnavailableReason.Timeout);

    private async Task<IReadOnlyList<LookupResult>> LookupBatchAsync(
        IPAddress[] addresses, string language, CancellationToken cancellationToken, CancellationToken deadline)
    {
        // Only normalised IPAddress text goes upstream. The body is sent whole with a Content-Length: servers and
        // proxies may refuse a chunked request body.
        var queries = addresses.Select(a => new BatchQuery(a.ToString(), Fields, language)).ToList();
        using var request = new HttpRequestMessage(HttpMethod.Post, WithKey("batch"))
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(queries, IpApiJsonContext.Default.ListBatchQuery))
            {
                Headers = { ContentType = new MediaTypeHeaderValue("application/json") },
            },
        };

        var exchange = await SendAsync(BatchName, batchCircuit, request, cancellationToken, deadline);
        if (exchange.Failure is { } failure)
        {
            return [.. addresses.Select(_ => failure)];
        }

        try
        {
            var answers = JsonSerializer.Deserialize(exchange.Body!, IpApiJsonContext.Default.ListIpApiResponse);
            if (answers is null || answers.Count != addresses.Length)
            {
                var malformed = Malformed(batchCircuit, BatchName);
                return [.. addresses.Select(_ => malformed)];
            }

            // Each answer is read on its own: one about another address than the one asked in its place is not believed.
            return [.. addresses.Select((address, i) => answers[i] is { } answer
                ? Answered(batchCircuit, BatchName, Map(address, answer))
                : new LookupResult.Unavailable(UnavailableReason.Error))];
        }
        catch (JsonException)
        {
            var malformed = Malformed(batchCircuit, BatchName);
            return [.. addresses.Select(_ => malformed)];
        }
    }

    private string WithKey(string pathAndQuery)
    {
        var key = options.Value.Key;
        return string.IsNullOrEmpty(key) ? pathAndQuery
            : pathAndQuery + (pathAndQuery.Contains('?', StringComparison.Ordinal) ? "&key=" : "?key=") + Uri.EscapeDataString(key);
    }

    /// <summary>Either the answer's bytes, or the failure it was.</summary>
    private readonly record struct Exchange(byte[]? Body, LookupResult? Failure);

    /// <summary>
    /// Sends one request through the named client and reads the answer. The body is already read, within the time
    /// and size bounds, by the bounded reader under the pipeline. ip-api.com speaks UTF-8 only: a declared charset
    /// (odd, unknown or lying) is neither trusted nor failed on, since the bytes are parsed as they are.
    /// </summary>
    /// <param name="deadline">Cancels the exchange as a timeout, not as the caller going away.</param>
    private async Task<Exchange> SendAsync(
        string client, UpstreamCircuit health, HttpRequestMessage request, CancellationToken cancellationToken, CancellationToken deadline)
    {
        try
        {
            using var response = await clients.CreateClient(client).SendAsync(request, deadline);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                // The budget's handler says once that the budget is spent; each lookup it holds back is no news.
                var retryAfter = QuotaResetIn(response);
                LogQuotaExhausted(logger, client, retryAfter.TotalSeconds);
                return new(null, new LookupResult.QuotaExhausted(retryAfter));
            }

            if (!response.IsSuccessStatusCode)
            {
                return new(null, Failed(health, client, UnavailableReason.Error, $"it answered HTTP {(int)response.StatusCode}"));
            }

            return new(await response.Content.ReadAsByteArrayAsync(deadline), null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is TimeoutRejectedException or OperationCanceledException)
        {
            return new(null, Failed(health, client, UnavailableReason.Timeout, "it did not answer in time"));
        }
        catch (BrokenCircuitException)
        {
            // No call was made: the reason is the outage's, so "cannot reach" stays "cannot reach" while the circuit is open.
            LogCircuitOpen(logger, client);
            return new(null, new LookupResult.Unavailable(health.Outage?.Reason ?? UnavailableReason.Error));
        }
        catch (HttpRequestException ex)
        {
            // Refused, no route, no DNS: this server cannot reach the upstream, which a first run behind a firewall
            // shows. Anything else (a reset, a body over the cap) is an error. The message holds no query string,
            // so the key cannot leak through it.
            var reason = ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError
                ? UnavailableReason.Unreachable
                : UnavailableReason.Error;
            return new(null, Failed(health, client, reason, $"{ex.HttpRequestError}: {ex.Message}"));
        }
    }

    /// <summary>
    /// One line when an outage starts (or its reason changes), saying what happened and what to do; the lookups
    /// that fail during it are no news, and only the debug log has them.
    /// </summary>
    private LookupResult.Unavailable Failed(UpstreamCircuit health, string client, UnavailableReason reason, string detail)
    {
        if (health.Failed(reason))
        {
            if (reason == UnavailableReason.Unreachable)
            {
                LogUnreachable(logger, client, detail);
            }
            else
            {
                LogFailing(logger, client, detail);
            }
        }
        else
        {
            LogStillFailing(logger, client, detail);
        }

        return new LookupResult.Unavailable(reason);
    }

    private LookupResult Answered(UpstreamCircuit health, string client, LookupResult result)
    {
        if (result is LookupResult.Found or LookupResult.Refused && health.Answered() is { } ended)
        {
            var seconds = (int)Math.Ceiling(health.Duration(ended).TotalSeconds);
            LogRecovered(logger, client, seconds);
        }

        return result;
    }

    /// <summary>
    /// The one place an upstream answer becomes an <see cref="IpInfo"/>. Whatever the upstream sends, what
    /// leaves here is either a refusal, a failure (never cached as an answer), or information every page
    /// can render: an answer about another address is refused outright; a field that is out of range,
    /// of the wrong shape or carries control characters is left blank (<see cref="UpstreamText"/>).
    /// </summary>
    internal LookupResult Map(IPAddress? asked, IpApiResponse body)
    {
        if (string.Equals(body.Status, "fail", StringComparison.OrdinalIgnoreCase))
        {
            return body.Message switch
            {
                "private range" => new LookupResult.Refused(RefusalReason.PrivateRange),
                "reserved range" => new LookupResult.Refused(RefusalReason.ReservedRange),
                "invalid query" => new LookupResult.Refused(RefusalReason.InvalidAddress),
                _ => UnexpectedFailure(body.Message),
            };
        }

        if (!string.Equals(body.Status, "success", StringComparison.OrdinalIgnoreCase) ||
            !IPAddress.TryParse(body.Query, out var answered))
        {
            LogMalformedAnswer(logger);
            return new LookupResult.Unavailable(UnavailableReason.Error);
        }

        answered = AddressInput.Normalise(answered);
        if (asked is not null && !answered.Equals(AddressInput.Normalise(asked)))
        {
            LogWrongAddress(logger);
            return new LookupResult.Unavailable(UnavailableReason.Error);
        }

        var (asNumber, asOwner) = SplitAutonomousSystem(body.AutonomousSystem);
        var located = IsCoordinate(body.Lat, 90) && IsCoordinate(body.Lon, 180);
        return new LookupResult.Found(new IpInfo
        {
            Address = answered.ToString(),
            Country = UpstreamText.Clean(body.Country),
            CountryCode = CountryCode(body.CountryCode),
            Region = UpstreamText.Clean(body.RegionName),
            RegionCode = UpstreamText.Clean(body.Region),
            City = UpstreamText.Clean(body.City),
            PostalCode = UpstreamText.Clean(body.Zip),
            Latitude = located ? body.Lat : null,
            Longitude = located ? body.Lon : null,
            TimeZone = TimeZone(body.Timezone),
            UtcOffsetSeconds = UtcOffset(body.Offset),
            Isp = UpstreamText.Clean(body.Isp),
            Organisation = UpstreamText.Clean(body.Org),
            AsNumber = asNumber,
            AsName = UpstreamText.Clean(body.AsName) ?? asOwner,
            ReverseDns = UpstreamText.Clean(body.Reverse),
            Mobile = body.Mobile,
            Proxy = body.Proxy,
            Hosting = body.Hosting,
            Provider = ProviderName,
            FetchedAt = time.GetUtcNow(),
        });
    }

    /// <summary>ip-api.com sends "AS15169 Google LLC" as one string; a number that is not one leaves both out.</summary>
    private static (string? Number, string? Owner) SplitAutonomousSystem(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return (null, null);
        }

        var space = value.IndexOf(' ', StringComparison.Ordinal);
        var number = UpstreamText.AsNumber(space < 0 ? value : value[..space]);
        return number is null ? (null, null) : (number, space < 0 ? null : UpstreamText.Clean(value[(space + 1)..]));
    }

    private static string? CountryCode(string? value) =>
        value is { Length: 2 } && char.IsAsciiLetterUpper(value[0]) && char.IsAsciiLetterUpper(value[1]) ? value : null;

    private static bool IsCoordinate(double? value, double limit) => value is { } v && double.IsFinite(v) && Math.Abs(v) <= limit;

    /// <summary>A zone this machine knows; an unknown one could not be shown as a local time anyway.</summary>
    private static string? TimeZone(string? value) =>
        UpstreamText.Clean(value) is { } id && TimeZoneInfo.TryFindSystemTimeZoneById(id, out _) ? id : null;

    /// <summary>Real offsets are whole minutes within ±14 h; others cannot be a DateTimeOffset's offset.</summary>
    private static int? UtcOffset(int? seconds) =>
        seconds is { } s && s % 60 == 0 && Math.Abs(s) <= 14 * 3600 ? s : null;

    internal static TimeSpan QuotaResetIn(HttpResponseMessage response) =>
        response.Headers.TryGetValues("X-Ttl", out var values) &&
        int.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(Math.Clamp(seconds, 1, 3600))
            : DefaultQuotaWindow;

    private LookupResult.Unavailable Malformed(UpstreamCircuit health, string client) =>
        Failed(health, client, UnavailableReason.Error, "it sent an answer that is not the expected JSON");

    private LookupResult.Unavailable UnexpectedFailure(string? message)
    {
        LogUnexpectedFailure(logger, UpstreamText.Clean(message));
        return new LookupResult.Unavailable(UnavailableReason.Error);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Client} quota exhausted; it resets in {Seconds} s")]
    private static partial void LogQuotaExhausted(ILogger logger, string client, double seconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Client} circuit is open; failing fast")]
    private static partial void LogCircuitOpen(ILogger logger, string client);

    [LoggerMessage(Level = LogLevel.Warning, Message = "This server cannot reach {Client} ({Reason}). Lookups fail until it can; with the offline database (scripts/fetch-geodb.sh) they are answered without it")]
    private static partial void LogUnreachable(ILogger logger, string client, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Client} is failing: {Reason}. Lookups go to the next provider, or fail, until it answers again")]
    private static partial void LogFailing(ILogger logger, string client, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Client} still failing: {Reason}")]
    private static partial void LogStillFailing(ILogger logger, string client, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Client} answers again, after an outage of {Seconds} s")]
    private static partial void LogRecovered(ILogger logger, string client, int seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ip-api.com sent an answer that is not the expected JSON")]
    private static partial void LogMalformedAnswer(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ip-api.com answered about another address than the one asked; the answer is discarded")]
    private static partial void LogWrongAddress(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ip-api.com refused the lookup: {UpstreamMessage}")]
    private static partial void LogUnexpectedFailure(ILogger logger, string? upstreamMessage);
}

internal sealed record BatchQuery(string Query, string Fields, string Lang);
