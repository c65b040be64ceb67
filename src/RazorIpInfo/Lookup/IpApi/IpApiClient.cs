using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace RazorIpInfo.Lookup.IpApi;

/// <summary>
/// Typed client for ip-api.com. Maps every outcome — including HTTP 200 with <c>status: fail</c> —
/// to a <see cref="LookupResult"/>; retries, timeouts and the circuit breaker come from the
/// resilience pipeline registered in <see cref="LookupServiceCollectionExtensions"/>.
/// </summary>
public sealed partial class IpApiClient(
    HttpClient http,
    IOptions<IpApiOptions> options,
    TimeProvider time,
    ILogger<IpApiClient> logger) : IIpInfoProvider
{
    public const string ProviderName = "ip-api.com";

    public string Name => ProviderName;

    internal const string Fields =
        "status,message,query,country,countryCode,region,regionName,city,zip,lat,lon,timezone,offset," +
        "isp,org,as,asname,reverse,mobile,proxy,hosting";

    private static readonly TimeSpan DefaultQuotaWindow = TimeSpan.FromMinutes(1);

    public async Task<LookupResult> LookupAsync(IPAddress? address, string language, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(RequestUri(address, language), cancellationToken);

            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                var retryAfter = QuotaResetIn(response);
                LogQuotaExhausted(logger, retryAfter.TotalSeconds);
                return new LookupResult.QuotaExhausted(retryAfter);
            }

            if (!response.IsSuccessStatusCode)
            {
                LogUpstreamStatus(logger, (int)response.StatusCode);
                return new LookupResult.Unavailable(UnavailableReason.Error);
            }

            // The body is already read, within the time and size bounds, by BoundedAnswerHandler. ip-api.com
            // speaks UTF-8 only: a declared charset (odd, unknown or lying) is not worth trusting or failing on.
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            var body = JsonSerializer.Deserialize(bytes, IpApiJsonContext.Default.IpApiResponse);
            return body is null ? Malformed() : Map(address, body);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is TimeoutRejectedException or OperationCanceledException)
        {
            LogUpstreamTimeout(logger);
            return new LookupResult.Unavailable(UnavailableReason.Timeout);
        }
        catch (BrokenCircuitException)
        {
            LogCircuitOpen(logger);
            return new LookupResult.Unavailable(UnavailableReason.Error);
        }
        catch (HttpRequestException ex)
        {
            // Connection refused, reset, or a body over MaxResponseContentBufferSize. The message holds
            // no query string, so the key cannot leak through it.
            if (ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
            {
                // What a first run on a machine without access to ip-api.com shows: say so, and what to do.
                LogUpstreamUnreachable(logger, ex.HttpRequestError, ex.Message);
                return new LookupResult.Unavailable(UnavailableReason.Unreachable);
            }

            LogUpstreamFailed(logger, ex.HttpRequestError, ex.Message);
            return new LookupResult.Unavailable(UnavailableReason.Error);
        }
        catch (JsonException)
        {
            return Malformed();
        }
    }

    private string RequestUri(IPAddress? address, string language)
    {
        // Only the normalised IPAddress text ever reaches the URL, never what the visitor typed. That
        // text is digits, hex, dots and colons: all legal in a path segment as they are.
        var path = address is null ? "json/" : "json/" + address;
        var query = $"?fields={Fields}&lang={Uri.EscapeDataString(language)}";
        var key = options.Value.Key;
        return string.IsNullOrEmpty(key) ? path + query : path + query + "&key=" + Uri.EscapeDataString(key);
    }

    /// <summary>
    /// The one place an upstream answer becomes an <see cref="IpInfo"/>. Whatever the upstream sends, what
    /// leaves here is either a refusal, a failure (never cached as an answer), or information every page
    /// can render: an answer about another address is refused outright; a field that is out of range,
    /// of the wrong shape or carries control characters is left blank.
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
            return Malformed();
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
            Country = Blank(body.Country),
            CountryCode = CountryCode(body.CountryCode),
            Region = Blank(body.RegionName),
            RegionCode = Blank(body.Region),
            City = Blank(body.City),
            PostalCode = Blank(body.Zip),
            Latitude = located ? body.Lat : null,
            Longitude = located ? body.Lon : null,
            TimeZone = TimeZone(body.Timezone),
            UtcOffsetSeconds = UtcOffset(body.Offset),
            Isp = Blank(body.Isp),
            Organisation = Blank(body.Org),
            AsNumber = asNumber,
            AsName = Blank(body.AsName) ?? asOwner,
            ReverseDns = Blank(body.Reverse),
            Mobile = body.Mobile,
            Proxy = body.Proxy,
            Hosting = body.Hosting,
            Provider = ProviderName,
            FetchedAt = time.GetUtcNow(),
        });
    }

    /// <summary>ip-api.com sends "AS15169 Google LLC" as one string.</summary>
    private static (string? Number, string? Owner) SplitAutonomousSystem(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return (null, null);
        }

        var space = value.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? (value, null) : (value[..space], Blank(value[(space + 1)..]));
    }

    /// <summary>Longer than any real name, address or network owner; more is not ip-api.com talking.</summary>
    private const int LongestText = 256;

    /// <summary>
    /// Blank, too long, or holding control characters (a terminal escape in a city name would reach every
    /// curl user through the plain-text endpoints): left out.
    /// </summary>
    private static string? Blank(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > LongestText)
        {
            return null;
        }

        return value.Any(char.IsControl) ? null : value.Trim();
    }

    private static string? CountryCode(string? value) =>
        value is { Length: 2 } && char.IsAsciiLetterUpper(value[0]) && char.IsAsciiLetterUpper(value[1]) ? value : null;

    private static bool IsCoordinate(double? value, double limit) => value is { } v && double.IsFinite(v) && Math.Abs(v) <= limit;

    /// <summary>A zone this machine knows; an unknown one could not be shown as a local time anyway.</summary>
    private static string? TimeZone(string? value) =>
        Blank(value) is { } id && TimeZoneInfo.TryFindSystemTimeZoneById(id, out _) ? id : null;

    /// <summary>Real offsets are whole minutes within ±14 h; others cannot be a DateTimeOffset's offset.</summary>
    private static int? UtcOffset(int? seconds) =>
        seconds is { } s && s % 60 == 0 && Math.Abs(s) <= 14 * 3600 ? s : null;

    internal static TimeSpan QuotaResetIn(HttpResponseMessage response) =>
        response.Headers.TryGetValues("X-Ttl", out var values) &&
        int.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(Math.Clamp(seconds, 1, 3600))
            : DefaultQuotaWindow;

    private LookupResult.Unavailable Malformed()
    {
        LogMalformedAnswer(logger);
        return new LookupResult.Unavailable(UnavailableReason.Error);
    }

    private LookupResult.Unavailable UnexpectedFailure(string? message)
    {
        LogUnexpectedFailure(logger, message);
        return new LookupResult.Unavailable(UnavailableReason.Error);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "ip-api.com quota exhausted; it resets in {Seconds} s")]
    private static partial void LogQuotaExhausted(ILogger logger, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ip-api.com answered HTTP {StatusCode}")]
    private static partial void LogUpstreamStatus(ILogger logger, int statusCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ip-api.com did not answer in time")]
    private static partial void LogUpstreamTimeout(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ip-api.com circuit is open; failing fast")]
    private static partial void LogCircuitOpen(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "This server cannot reach ip-api.com ({Error}: {Reason}). Lookups fail until it can; with the offline database (scripts/fetch-geodb.sh) they are answered without it")]
    private static partial void LogUpstreamUnreachable(ILogger logger, HttpRequestError error, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ip-api.com failed ({Error}): {Reason}")]
    private static partial void LogUpstreamFailed(ILogger logger, HttpRequestError error, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ip-api.com sent an answer that is not the expected JSON")]
    private static partial void LogMalformedAnswer(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ip-api.com answered about another address than the one asked; the answer is discarded")]
    private static partial void LogWrongAddress(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ip-api.com refused the lookup: {UpstreamMessage}")]
    private static partial void LogUnexpectedFailure(ILogger logger, string? upstreamMessage);
}
