using System.Net;

namespace RazorIpInfo.Lookup;

/// <summary>
/// Asks providers in the configured order until one gives an answer. Only a failure that another
/// provider could make up for — unavailable or out of quota — moves on; a refusal is an answer about
/// the address itself, so asking elsewhere would only spend quota. Each provider is one
/// <see cref="IIpInfoProvider"/>, so a per-provider decorator (a cache) wraps it without the chain knowing.
/// </summary>
public sealed partial class ProviderChain(IReadOnlyList<IIpInfoProvider> providers, ILogger<ProviderChain> logger) : IIpInfoProvider
{
    public string Name => string.Join(" → ", providers.Select(p => p.Name));

    public Task<LookupResult> LookupAsync(IPAddress? address, string language, CancellationToken cancellationToken) =>
        LookupAsync(address, language, refresh: false, cancellationToken);

    public async Task<LookupResult> LookupAsync(IPAddress? address, string language, bool refresh, CancellationToken cancellationToken)
    {
        LookupResult? firstFailure = null;
        for (var i = 0; i < providers.Count; i++)
        {
            var result = await providers[i].LookupAsync(address, language, refresh, cancellationToken);
            if (result is not (LookupResult.Unavailable or LookupResult.QuotaExhausted))
            {
                return result;
            }

            if (i + 1 < providers.Count)
            {
                LogFailingOver(logger, providers[i].Name, result, providers[i + 1].Name);
            }

            // The first failure is the one to show: it names the preferred provider's problem (and its
            // quota wait), not that a fallback such as an offline database cannot see the server's address.
            firstFailure ??= result;
        }

        return firstFailure ?? new LookupResult.Unavailable(UnavailableReason.Error);
    }

    /// <summary>
    /// The same chain for many addresses: each provider is asked, all at once, only about what the ones before it
    /// could not answer, and the first failure is the one reported.
    /// </summary>
    public async Task<IReadOnlyList<LookupResult>> LookupManyAsync(
        IReadOnlyList<IPAddress> addresses, string language, UpstreamAllowance? allowance, CancellationToken cancellationToken)
    {
        var results = new LookupResult?[addresses.Count];
        var pending = Enumerable.Range(0, addresses.Count).ToList();
        for (var p = 0; p < providers.Count && pending.Count > 0; p++)
        {
            var answers = await providers[p].LookupManyAsync([.. pending.Select(i => addresses[i])], language, allowance, cancellationToken);
            var stillPending = new List<int>();
            for (var j = 0; j < pending.Count; j++)
            {
                var i = pending[j];
                if (answers[j] is LookupResult.Unavailable or LookupResult.QuotaExhausted)
                {
                    results[i] ??= answers[j];
                    stillPending.Add(i);
                }
                else
                {
                    results[i] = answers[j];
                }
            }

            if (stillPending.Count > 0 && p + 1 < providers.Count)
            {
                LogFailingOverMany(logger, providers[p].Name, stillPending.Count, providers[p + 1].Name);
            }

            pending = stillPending;
        }

        return results!;
    }

    // Debug: the provider's own outage line says why; one line per lookup that fails over is noise.
    [LoggerMessage(Level = LogLevel.Debug, Message = "{Provider} could not answer ({Outcome}); asking {Next}")]
    private static partial void LogFailingOver(ILogger logger, string provider, LookupResult outcome, string next);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Provider} could not answer {Count} addresses; asking {Next}")]
    private static partial void LogFailingOverMany(ILogger logger, string provider, int count, string next);
}
