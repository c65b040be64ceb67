using System.Net;
using RazorIpInfo.Lookup.Networks;

namespace RazorIpInfo.Lookup;

/// <summary>
/// The one entry point pages and the API use to learn about an address. It refuses non-public
/// addresses itself so that no quota is spent on answers known in advance.
/// </summary>
public sealed class IpLookupService(IIpInfoProvider provider, LookupMetrics metrics, NetworkDatabase networks)
{
    public Task<LookupResult> LookupAsync(IPAddress address, string language, CancellationToken cancellationToken) =>
        LookupAsync(address, language, refresh: false, cancellationToken);

    /// <param name="refresh">The visitor asked for a newer answer than the cached one (the card's Refresh button).</param>
    public Task<LookupResult> LookupAsync(IPAddress address, string language, bool refresh, CancellationToken cancellationToken)
    {
        address = AddressInput.Normalise(address);
        return Measured(AddressScope.Classify(address) switch
        {
            AddressKind.Public => provider.LookupAsync(address, language, refresh, cancellationToken),
            AddressKind.Reserved => Task.FromResult<LookupResult>(new LookupResult.Refused(RefusalReason.ReservedRange)),
            _ => Task.FromResult<LookupResult>(new LookupResult.Refused(RefusalReason.PrivateRange)),
        });
    }

    /// <summary>
    /// Looks up a visitor. One who reaches us from a local network has no public address of their own
    /// that we can see, so they get the server's public address, which is what the internet sees of them.
    /// </summary>
    public Task<LookupResult> LookupVisitorAsync(VisitorAddress visitor, string language, CancellationToken cancellationToken) =>
        LookupVisitorAsync(visitor, language, refresh: false, cancellationToken);

    public Task<LookupResult> LookupVisitorAsync(VisitorAddress visitor, string language, bool refresh, CancellationToken cancellationToken) =>
        visitor.IsOnLocalNetwork
            ? Measured(provider.LookupAsync(null, language, refresh, cancellationToken))
            : LookupAsync(visitor.Address!, language, refresh, cancellationToken);

    private async Task<LookupResult> Measured(Task<LookupResult> lookup)
    {
        var result = await lookup;
        metrics.Lookup(result);
        // After the cache, not inside it: the prefix follows the network data loaded now, and costs less than a cache read.
        return result is LookupResult.Found found ? found with { Info = networks.Enrich(found.Info) } : result;
    }
}
