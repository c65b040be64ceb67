using System.Net;

namespace RazorIpInfo.Lookup;

/// <summary>A source of IP information: a remote API or a local database.</summary>
public interface IIpInfoProvider
{
    /// <summary>The name shown on the card ("from ip-api.com") and used in cache keys.</summary>
    string Name { get; }

    /// <summary>
    /// Looks up a public <paramref name="address"/>, or, when it is null, the server's own public
    /// address (which only a remote provider can see). Never throws for an upstream failure.
    /// </summary>
    Task<LookupResult> LookupAsync(IPAddress? address, string language, CancellationToken cancellationToken);

    /// <summary>
    /// As <see cref="LookupAsync(IPAddress?, string, CancellationToken)"/>; <paramref name="refresh"/> asks a
    /// caching provider for a newer answer than it holds. Providers without a cache ignore it.
    /// </summary>
    Task<LookupResult> LookupAsync(IPAddress? address, string language, bool refresh, CancellationToken cancellationToken) =>
        LookupAsync(address, language, cancellationToken);

    /// <summary>
    /// Looks up many public addresses: one result per address, in the order given. Never throws for an upstream
    /// failure. A provider with a batch endpoint uses it; the rest are asked one address at a time, a few at once,
    /// which for a local file is cheaper than any batching.
    /// </summary>
    /// <param name="allowance">
    /// How many addresses may be sent to a remote provider for the client that asked (null: as many as its budget
    /// allows). Local providers ignore it; one that is granted fewer answers the rest as quota spent, for the next.
    /// </param>
    async Task<IReadOnlyList<LookupResult>> LookupManyAsync(
        IReadOnlyList<IPAddress> addresses, string language, UpstreamAllowance? allowance, CancellationToken cancellationToken)
    {
        var results = new LookupResult[addresses.Count];
        await Parallel.ForAsync(0, addresses.Count, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (i, ct) => results[i] = await LookupAsync(addresses[i], language, ct));
        return results;
    }
}
