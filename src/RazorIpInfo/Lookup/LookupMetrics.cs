using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace RazorIpInfo.Lookup;

/// <summary>
/// The site's own instruments: what visitors got, how often the cache had to ask a provider, and what
/// the upstream cost. Lookups minus cache misses are the lookups served from the cache.
/// </summary>
public sealed class LookupMetrics
{
    public const string MeterName = "RazorIpInfo";

    private readonly Counter<long> lookups;
    private readonly Counter<long> cacheMisses;
    private readonly Counter<long> upstreamCalls;
    private readonly Histogram<double> upstreamDuration;

    // What the upstream last said is left (X-Rl); unknown until the first call answers.
    private int? lastReportedBudget;

    public LookupMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        lookups = meter.CreateCounter<long>("razoripinfo.lookups", "{lookup}",
            "Lookups answered to visitors, by outcome (found, refused, quota, unavailable) and staleness.");
        cacheMisses = meter.CreateCounter<long>("razoripinfo.cache.misses", "{lookup}",
            "Lookups the cache could not answer, so a provider was asked.");
        upstreamCalls = meter.CreateCounter<long>("razoripinfo.upstream.calls", "{call}",
            "Calls to ip-api.com, by HTTP status; 'held' when the shared budget was spent and nothing was sent.");
        upstreamDuration = meter.CreateHistogram<double>("razoripinfo.upstream.duration", "s",
            "Time ip-api.com took to answer one attempt.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });
        meter.CreateObservableGauge("razoripinfo.upstream.budget.remaining",
            () => lastReportedBudget is { } remaining ? [new Measurement<int>(remaining)] : Array.Empty<Measurement<int>>(),
            "{request}", "Requests left in the upstream's window, as its last answer to this instance reported.");
    }

    public void Lookup(LookupResult result)
    {
        var (outcome, stale) = result switch
        {
            LookupResult.Found found => ("found", found.Stale),
            LookupResult.Refused => ("refused", false),
            LookupResult.QuotaExhausted => ("quota", false),
            _ => ("unavailable", false),
        };
        lookups.Add(1, new TagList { { "outcome", outcome }, { "stale", stale } });
    }

    public void CacheMiss(string provider) => cacheMisses.Add(1, new KeyValuePair<string, object?>("provider", provider));

    public void UpstreamHeld() => upstreamCalls.Add(1, new KeyValuePair<string, object?>("status", "held"));

    public void UpstreamCall(int? status, TimeSpan duration, int? remaining)
    {
        var tag = new KeyValuePair<string, object?>("status", status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "error");
        upstreamCalls.Add(1, tag);
        upstreamDuration.Record(duration.TotalSeconds, tag);
        if (remaining is { } left)
        {
            lastReportedBudget = left;
        }
    }
}
