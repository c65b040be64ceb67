using System.Globalization;
using System.Diagnostics;
using System.Net;

namespace RazorIpInfo.Lookup.Quota;

/// <summary>
/// Sits under the resilience pipeline, so every attempt, retries included, is paid for. When the budget
/// is spent it answers 429 itself, exactly as the upstream would, and nothing is sent.
/// </summary>
public sealed partial class UpstreamQuotaHandler(Func<Uri?, IUpstreamQuota> quotaFor, UpstreamCircuit circuit, LookupMetrics metrics, TimeProvider time, ILogger<UpstreamQuotaHandler> logger) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var quota = quotaFor(request.RequestUri);
        if (await quota.TryReserveAsync(cancellationToken) is { } wait)
        {
            var held = new HttpResponseMessage(HttpStatusCode.TooManyRequests) { RequestMessage = request };
            held.Headers.Add("X-Rl", "0");
            held.Headers.Add("X-Ttl", Math.Ceiling(wait.TotalSeconds).ToString(CultureInfo.InvariantCulture));
            metrics.UpstreamHeld();
            return held;
        }

        UpstreamBudget? reported = null;
        int? status = null;
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            status = (int)response.StatusCode;
            reported = Reported(response);
            if (reported is { Remaining: 0 } spent)
            {
                LogBudgetSpent(logger, (int)Math.Ceiling(spent.ResetIn.TotalSeconds));
            }

            return response;
        }
        finally
        {
            metrics.UpstreamCall(status, Stopwatch.GetElapsedTime(started), reported?.Remaining);
            circuit.Record(status);
            await quota.CompleteAsync(reported, CancellationToken.None);
        }
    }

    /// <summary>How long a stop lasts when the upstream says stop but not for how long (its window is a minute).</summary>
    private static readonly TimeSpan DefaultStop = TimeSpan.FromMinutes(1);

    /// <summary>A hostile or broken upstream must not be able to silence the site for a year with one header.</summary>
    private static readonly TimeSpan LongestStop = TimeSpan.FromHours(1);

    /// <summary>
    /// What the answer says about the budget. A 429, or a 503 with Retry-After, is a stop whatever the
    /// other headers say, and with or without a key; <c>X-Rl</c> with <c>X-Ttl</c> is the budget left.
    /// </summary>
    private UpstreamBudget? Reported(HttpResponseMessage response)
    {
        var remaining = ReadHeader(response, "X-Rl");
        // X-Ttl is whole seconds, rounded down: one more keeps a rounding from sending a call into a window already spent.
        TimeSpan? ttl = ReadHeader(response, "X-Ttl") is { } seconds ? TimeSpan.FromSeconds(seconds + 1) : null;
        var retryAfter = RetryAfter(response);
        if (response.StatusCode == HttpStatusCode.TooManyRequests ||
            (response.StatusCode == HttpStatusCode.ServiceUnavailable && retryAfter is not null))
        {
            return new UpstreamBudget(0, Bounded(ttl ?? retryAfter ?? DefaultStop));
        }

        return remaining is { } left && ttl is { } resetIn ? new UpstreamBudget(left, Bounded(resetIn)) : null;
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - time.GetUtcNow(),
        _ => null,
    };

    private static TimeSpan Bounded(TimeSpan wait) =>
        wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait > LongestStop ? LongestStop : wait;

    private static int? ReadHeader(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) &&
        int.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream request budget spent; no upstream calls for {Seconds} s")]
    private static partial void LogBudgetSpent(ILogger logger, int seconds);
}
