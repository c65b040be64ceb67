using RazorIpInfo.Lookup;

namespace RazorIpInfo.Bulk;

/// <summary>What became of one entry.</summary>
public enum BulkOutcome
{
    Found,
    Invalid,
    Private,
    Reserved,
    QuotaExhausted,
    Failed,
}

public sealed record BulkRow(BulkEntry Entry, LookupResult Result)
{
    public IpInfo? Info => (Result as LookupResult.Found)?.Info;

    public BulkOutcome Outcome => Result switch
    {
        LookupResult.Found => BulkOutcome.Found,
        LookupResult.Refused { Reason: RefusalReason.InvalidAddress } => BulkOutcome.Invalid,
        LookupResult.Refused { Reason: RefusalReason.PrivateRange } => BulkOutcome.Private,
        LookupResult.Refused => BulkOutcome.Reserved,
        LookupResult.QuotaExhausted => BulkOutcome.QuotaExhausted,
        _ => BulkOutcome.Failed,
    };

    /// <summary>The address as the site writes it, or the entry as given when it is not one.</summary>
    public string Address => Entry.Address?.ToString() ?? Entry.Text;
}

/// <summary>A counted value in the summary: a country, an autonomous system, a provider.</summary>
public sealed record BulkCount(string Key, string Label, int Count);

public sealed record BulkResult(IReadOnlyList<BulkRow> Rows)
{
    /// <summary>
    /// One row per entry, in the order given, each address answered by the one lookup service as a single lookup
    /// of it would be; an entry that is not an address is a row that says so.
    /// </summary>
    /// <param name="allowance">The asking client's share of the upstream: what it does not cover goes to the next provider.</param>
    public static async Task<BulkResult> LookupAsync(
        IpLookupService lookup, IReadOnlyList<BulkEntry> entries, string language, UpstreamAllowance? allowance, CancellationToken cancellationToken)
    {
        var results = await lookup.LookupManyAsync(
            [.. entries.Select(e => e.Address).OfType<System.Net.IPAddress>()], language, allowance, cancellationToken);
        var next = 0;
        return new BulkResult([.. entries.Select(entry => new BulkRow(
            entry,
            entry.Address is null ? new LookupResult.Refused(RefusalReason.InvalidAddress) : results[next++]))]);
    }

    private BulkSummary? summary;

    /// <summary>Rows no provider could answer because a budget was spent say so themselves; the answer says when to ask again.</summary>
    public void SayWhenToRetry(HttpResponse response)
    {
        var waits = Rows.Select(r => r.Result).OfType<LookupResult.QuotaExhausted>().Select(q => q.RetryAfter).ToList();
        if (waits.Count > 0)
        {
            response.Headers.RetryAfter = ((int)Math.Ceiling(waits.Max().TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    public BulkSummary Summary => summary ??= BulkSummary.Of(Rows);
}

/// <summary>The summary above the table: how many of what, most frequent first.</summary>
public sealed record BulkSummary(
    int Entries,
    int Found,
    int Invalid,
    int Private,
    int Reserved,
    int Failed,
    int Hosting,
    int Proxy,
    int Mobile,
    int TorExits,
    IReadOnlyList<BulkCount> Countries,
    IReadOnlyList<BulkCount> AutonomousSystems,
    IReadOnlyList<BulkCount> Providers,
    IReadOnlyList<(double Latitude, double Longitude)> Points)
{
    public static BulkSummary Of(IReadOnlyList<BulkRow> rows)
    {
        var found = rows.Select(r => r.Info).OfType<IpInfo>().ToList();
        return new BulkSummary(
            Entries: rows.Count,
            Found: found.Count,
            Invalid: rows.Count(r => r.Outcome == BulkOutcome.Invalid),
            Private: rows.Count(r => r.Outcome == BulkOutcome.Private),
            Reserved: rows.Count(r => r.Outcome == BulkOutcome.Reserved),
            Failed: rows.Count(r => r.Outcome is BulkOutcome.Failed or BulkOutcome.QuotaExhausted),
            Hosting: found.Count(i => i.Hosting == true),
            Proxy: found.Count(i => i.Proxy == true),
            Mobile: found.Count(i => i.Mobile == true),
            TorExits: found.Count(i => i.TorExit == true),
            Countries: Count(found, i => i.CountryCode, i => i.Country ?? i.CountryCode!),
            AutonomousSystems: Count(found, i => i.AsNumber, i => i.AsName ?? i.Organisation ?? i.AsNumber!),
            Providers: Count(found, i => i.Provider, i => i.Provider),
            // For the map of #19: one dot per distinct place.
            Points: [.. found.Where(i => i.Latitude is not null && i.Longitude is not null)
                .Select(i => (i.Latitude!.Value, i.Longitude!.Value)).Distinct()]);
    }

    private static List<BulkCount> Count(List<IpInfo> found, Func<IpInfo, string?> key, Func<IpInfo, string> label) =>
        [.. found.Where(i => key(i) is not null)
            .GroupBy(i => key(i)!, StringComparer.Ordinal)
            .Select(g => new BulkCount(g.Key, label(g.First()), g.Count()))
            .OrderByDescending(c => c.Count)
            .ThenBy(c => c.Label, StringComparer.CurrentCulture)];
}
