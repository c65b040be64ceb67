using System.Net;
using Microsoft.Extensions.Options;
using RazorIpInfo.Lookup;
using RazorIpInfo.Lookup.Caching;
using RazorIpInfo.Observability;

namespace RazorIpInfo.Bulk;

/// <summary>
/// Looks up many addresses as <see cref="IpLookupService"/> looks up one: non-public addresses are answered
/// here, then the configured providers are asked in order, each only about what the ones before could not
/// answer. ip-api.com is asked through the cache and then its batch endpoint; others (the offline database)
/// one address at a time, which for a memory-mapped file is cheaper than any batching.
/// </summary>
public sealed class BulkLookupService(IReadOnlyList<IBulkSource> sources, LookupMetrics metrics)
{
    /// <summary>
    /// One row per entry, in the order given; an address given twice is looked up once. <paramref name="upstreamAllowance"/>
    /// (the asking client's per-client allowance) bounds how many uncached addresses go to ip-api.com; null: no bound.
    /// </summary>
    public async Task<BulkResult> LookupAsync(
        IReadOnlyList<BulkEntry> entries, string language, CancellationToken cancellationToken, UpstreamAllowance? upstreamAllowance = null)
    {
        var answers = new Dictionary<IPAddress, LookupResult>();
        var pending = new List<IPAddress>();
        var seen = new HashSet<IPAddress>();
        foreach (var entry in entries)
        {
            if (entry.Address is { } address && seen.Add(address))
            {
                switch (AddressScope.Classify(address))
                {
                    case AddressKind.Public:
                        pending.Add(address);
                        break;
                    case AddressKind.Reserved:
                        answers[address] = new LookupResult.Refused(RefusalReason.ReservedRange);
                        break;
                    default:
                        answers[address] = new LookupResult.Refused(RefusalReason.PrivateRange);
                        break;
                }
            }
        }

        // Like the single-lookup chain: only a failure another provider could make up for moves on, and the
        // first failure is the one reported (it names the preferred provider's problem).
        var firstFailures = new Dictionary<IPAddress, LookupResult>();
        foreach (var source in sources)
        {
            if (pending.Count == 0)
            {
                break;
            }

            var results = await source.LookupAsync(pending, language, upstreamAllowance, cancellationToken);
            var stillPending = new List<IPAddress>();
            for (var i = 0; i < pending.Count; i++)
            {
                if (results[i] is LookupResult.Unavailable or LookupResult.QuotaExhausted)
                {
                    firstFailures.TryAdd(pending[i], results[i]);
                    stillPending.Add(pending[i]);
                }
                else
                {
                    answers[pending[i]] = results[i];
                    metrics.Lookup(results[i]);
                }
            }

            pending = stillPending;
        }

        foreach (var address in pending)
        {
            var failure = firstFailures.GetValueOrDefault(address) ?? new LookupResult.Unavailable(UnavailableReason.Error);
            answers[address] = failure;
            metrics.Lookup(failure);
        }

        return new BulkResult([.. entries.Select(entry => new BulkRow(
            entry,
            entry.Address is { } address ? answers[address] : new LookupResult.Refused(RefusalReason.InvalidAddress)))]);
    }
}

/// <summary>A provider as a bulk lookup asks it: many addresses, one result each, in order.</summary>
public interface IBulkSource
{
    /// <param name="upstreamAllowance">Consulted by a source that spends the shared upstream budget, before it sends.</param>
    Task<IReadOnlyList<LookupResult>> LookupAsync(
        IReadOnlyList<IPAddress> addresses, string language, UpstreamAllowance? upstreamAllowance, CancellationToken cancellationToken);
}

/// <summary>
/// ip-api.com for many addresses: the cache answers what it holds (the entries single lookups use), the
/// rest goes to <c>POST /batch</c> in chunks, and the answers are cached for single lookups in turn.
/// </summary>
public sealed class IpApiBulkSource(CachedIpInfoProvider cache, IpApiBatchClient batch, IOptions<BulkOptions> options) : IBulkSource
{
    // Cache reads are memory, or a Redis round trip each: a few at a time, not a thousand at once.
    private const int CacheReadsAtOnce = 16;

    public async Task<IReadOnlyList<LookupResult>> LookupAsync(
        IReadOnlyList<IPAddress> addresses, string language, UpstreamAllowance? upstreamAllowance, CancellationToken cancellationToken)
    {
        var results = new LookupResult?[addresses.Count];
        await Parallel.ForAsync(0, addresses.Count, new ParallelOptions { MaxDegreeOfParallelism = CacheReadsAtOnce, CancellationToken = cancellationToken },
            async (i, ct) => results[i] = await cache.PeekAsync(addresses[i], language, ct));

        var misses = Enumerable.Range(0, addresses.Count).Where(i => results[i] is null).ToList();
        LookupResult? spent = null;

        // The client's allowance bounds what reaches the upstream, not whether the list is answered: what it
        // does not cover is marked spent, so that the next provider answers it (issue 29).
        if (upstreamAllowance?.Invoke(misses.Count) is { } grant && grant.Granted < misses.Count)
        {
            foreach (var i in misses.Skip(grant.Granted))
            {
                results[i] = new LookupResult.QuotaExhausted(grant.RetryAfter);
            }

            misses = [.. misses.Take(grant.Granted)];
        }

        foreach (var chunk in misses.Chunk(Math.Min(options.Value.BatchSize, IpApiBatchClient.MaxPerRequest)))
        {
            // Once the batch budget is spent, the rest is not even offered to it: the next provider answers.
            if (spent is not null)
            {
                foreach (var i in chunk)
                {
                    results[i] = spent;
                }

                continue;
            }

            var answers = await batch.LookupAsync([.. chunk.Select(i => addresses[i])], language, cancellationToken);
            for (var j = 0; j < chunk.Length; j++)
            {
                results[chunk[j]] = answers[j];
                spent ??= answers[j] as LookupResult.QuotaExhausted;
            }

            await Task.WhenAll(chunk.Select((i, j) => cache.StoreAsync(addresses[i], language, answers[j], cancellationToken)));
        }

        return results!;
    }
}

/// <summary>Any other provider (the offline database), asked one address at a time.</summary>
public sealed class SingleProviderBulkSource(IIpInfoProvider provider) : IBulkSource
{
    public async Task<IReadOnlyList<LookupResult>> LookupAsync(
        IReadOnlyList<IPAddress> addresses, string language, UpstreamAllowance? upstreamAllowance, CancellationToken cancellationToken)
    {
        var results = new LookupResult[addresses.Count];
        await Parallel.ForAsync(0, addresses.Count, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (i, ct) => results[i] = await provider.LookupAsync(addresses[i], language, ct));
        return results;
    }
}
