using System.Net;
using Microsoft.Extensions.Options;
using RazorIpInfo.Lookup.GeoDb;
using RazorIpInfo.Lookup.Networks;
using RazorIpInfo.Lookup.Tor;

namespace RazorIpInfo.Lookup;

/// <summary>
/// The one entry point pages and the API use to learn about an address. It refuses non-public
/// addresses itself so that no quota is spent on answers known in advance.
/// </summary>
public sealed class IpLookupService(
    IIpInfoProvider provider, LookupMetrics metrics, NetworkDatabase networks, TorExits tor, MmdbProvider offline, IOptions<LookupOptions> options)
{
    public Task<LookupResult> LookupAsync(IPAddress address, string language, CancellationToken cancellationToken) =>
        LookupAsync(address, language, refresh: false, cancellationToken);

    /// <param name="refresh">The visitor asked for a newer answer than the cached one (the card's Refresh button).</param>
    public Task<LookupResult> LookupAsync(IPAddress address, string language, bool refresh, CancellationToken cancellationToken)
    {
        address = AddressInput.Normalise(address);
        return Measured(Refusal(address) is { } refused
            ? Task.FromResult<LookupResult>(refused)
            : provider.LookupAsync(address, language, refresh, cancellationToken));
    }

    /// <summary>Non-public addresses are answered here, so that no quota is spent on answers known in advance.</summary>
    private static LookupResult.Refused? Refusal(IPAddress address) => AddressScope.Classify(address) switch
    {
        AddressKind.Public => null,
        AddressKind.Reserved => new LookupResult.Refused(RefusalReason.ReservedRange),
        _ => new LookupResult.Refused(RefusalReason.PrivateRange),
    };

    /// <summary>
    /// Looks up many addresses as <see cref="LookupAsync(IPAddress, string, CancellationToken)"/> looks up one: one
    /// result per address, in the order given, each the record a single lookup of it returns (enriched alike,
    /// whichever provider answered). An address given twice is looked up once.
    /// </summary>
    /// <param name="allowance">The asking client's share of the upstream (<see cref="UpstreamAllowance"/>); null: no share of its own.</param>
    public async Task<IReadOnlyList<LookupResult>> LookupManyAsync(
        IReadOnlyList<IPAddress> addresses, string language, UpstreamAllowance? allowance, CancellationToken cancellationToken)
    {
        var normalised = addresses.Select(AddressInput.Normalise).ToList();
        var answers = new Dictionary<IPAddress, LookupResult>();
        var pending = new List<IPAddress>();
        foreach (var address in normalised.Distinct())
        {
            if (Refusal(address) is { } refused)
            {
                answers[address] = refused;
            }
            else
            {
                pending.Add(address);
            }
        }

        if (pending.Count > 0)
        {
            var results = await provider.LookupManyAsync(pending, language, allowance, cancellationToken);
            for (var i = 0; i < pending.Count; i++)
            {
                answers[pending[i]] = results[i];
            }
        }

        foreach (var address in answers.Keys.ToList())
        {
            answers[address] = Measured(answers[address]);
        }

        return [.. normalised.Select(address => answers[address])];
    }

    /// <summary>
    /// Looks up a visitor. One who reaches us from a local network has no public address of their own
    /// that we can see, so they get the server's public address, which is what the internet sees of them.
    /// </summary>
    public Task<LookupResult> LookupVisitorAsync(VisitorAddress visitor, string language, CancellationToken cancellationToken) =>
        LookupVisitorAsync(visitor, language, refresh: false, cancellationToken);

    public async Task<LookupResult> LookupVisitorAsync(VisitorAddress visitor, string language, bool refresh, CancellationToken cancellationToken)
    {
        if (!visitor.IsOnLocalNetwork)
        {
            return await LookupAsync(visitor.Address!, language, refresh, cancellationToken);
        }

        // Offline, "cannot reach ip-api.com, fetch the database" is wrong here even once it is fetched: the
        // database answers any address typed in, but not this one, which only ip-api.com knows.
        var result = await Measured(provider.LookupAsync(null, language, refresh, cancellationToken));
        return result is LookupResult.Unavailable { Reason: UnavailableReason.Unreachable } unreachable
            ? unreachable with { Reason = UnavailableReason.OwnAddressNeedsUpstream }
            : result;
    }

    private async Task<LookupResult> Measured(Task<LookupResult> lookup) => Measured(await lookup);

    private LookupResult Measured(LookupResult result)
    {
        metrics.Lookup(result);
        return result switch
        {
            // After the cache, not inside it: the prefix and the Tor flag follow the data loaded now, and cost less than a cache read.
            LookupResult.Found found => found with { Info = tor.Flag(networks.Enrich(found.Info)) },
            // Looked at now, not when the failure was cached: the database may have arrived since.
            LookupResult.Unavailable { Reason: UnavailableReason.Unreachable } unreachable =>
                unreachable with { OfflineDatabaseLoaded = options.Value.EffectiveProviders.Contains(MmdbProvider.Id) && offline.IsLoaded },
            _ => result,
        };
    }
}
