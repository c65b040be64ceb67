using System.Globalization;
using System.Diagnostics;
using System.Net;
using RazorIpInfo.Observability;

namespace RazorIpInfo.Lookup.Quota;

/// <summary>
/// Sits under the resilience pipeline, so every attempt, retries included, is paid for. When the budget
/// is spent it answers 429 itself, exactly as the upstream would, and nothing is sent.
/// </summary>
public sealed partial class UpstreamQuotaHandler(IUpstreamQuota quota, UpstreamCircuit circuit, LookupMetrics metrics, ILogger<UpstreamQuotaHandler> logger) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
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
            if (ReadHeader(response, "X-Rl") is { } remaining && ReadHeader(response, "X-Ttl") is { } seconds)
            {
                reported = new UpstreamBudget(remaining, TimeSpan.FromSeconds(Math.Max(1, seconds)));
                if (remaining == 0)
                {
                    LogBudgetSpent(logger, seconds);
                }
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

    private static int? ReadHeader(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) &&
        int.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream request budget spent; no upstream calls for {Seconds} s")]
    private static partial void LogBudgetSpent(ILogger logger, int seconds);
}
