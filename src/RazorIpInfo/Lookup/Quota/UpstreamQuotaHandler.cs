using System.Globalization;
using System.Net;

namespace RazorIpInfo.Lookup.Quota;

/// <summary>
/// Sits under the resilience pipeline, so every attempt, retries included, is paid for. When the budget
/// is spent it answers 429 itself, exactly as the upstream would, and nothing is sent.
/// </summary>
public sealed partial class UpstreamQuotaHandler(IUpstreamQuota quota, ILogger<UpstreamQuotaHandler> logger) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (await quota.TryReserveAsync(cancellationToken) is { } wait)
        {
            var held = new HttpResponseMessage(HttpStatusCode.TooManyRequests) { RequestMessage = request };
            held.Headers.Add("X-Rl", "0");
            held.Headers.Add("X-Ttl", Math.Ceiling(wait.TotalSeconds).ToString(CultureInfo.InvariantCulture));
            return held;
        }

        var response = await base.SendAsync(request, cancellationToken);
        if (ReadHeader(response, "X-Rl") is { } remaining && ReadHeader(response, "X-Ttl") is { } seconds)
        {
            await quota.RecordAsync(remaining, TimeSpan.FromSeconds(Math.Max(1, seconds)), cancellationToken);
            if (remaining == 0)
            {
                LogBudgetSpent(logger, seconds);
            }
        }

        return response;
    }

    private static int? ReadHeader(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) &&
        int.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream request budget spent; no upstream calls for {Seconds} s")]
    private static partial void LogBudgetSpent(ILogger logger, int seconds);
}
