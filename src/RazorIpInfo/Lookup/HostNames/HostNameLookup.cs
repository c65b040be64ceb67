using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace RazorIpInfo.Lookup.HostNames;

public enum HostNameOutcome
{
    Resolved,
    NotFound,
    Failed,
}

/// <summary>What resolving one name gave: its addresses (at most a few), and the public one to look up.</summary>
public sealed record HostResolution(string Name, HostNameOutcome Outcome, IReadOnlyList<IPAddress> Addresses)
{
    /// <summary>The first public address, the one the card describes; null when every address is private or reserved.</summary>
    public IPAddress? Chosen => Addresses.FirstOrDefault(address => AddressScope.Classify(address) == AddressKind.Public);
}

/// <summary>Resolves names with a time limit, keeps at most a few addresses, and reuses answers briefly.</summary>
public sealed partial class HostNameLookup(IHostNameResolver resolver, IMemoryCache cache, IOptions<HostNameOptions> options, ILogger<HostNameLookup> logger)
{
    public async Task<HostResolution> ResolveAsync(string name, CancellationToken cancellationToken)
    {
        var key = "hostname:" + name;
        if (cache.TryGetValue(key, out HostResolution? cached) && cached is not null)
        {
            return cached;
        }

        var settings = options.Value;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        HostResolution resolution;
        try
        {
            // WaitAsync as well: the resolver may not honour cancellation once it has started.
            var addresses = await resolver.ResolveAsync(name, timeout.Token).WaitAsync(settings.Timeout, cancellationToken);
            var distinct = addresses.Select(AddressInput.Normalise).Distinct().Take(settings.MaxAddresses).ToArray();
            resolution = new HostResolution(name, distinct.Length == 0 ? HostNameOutcome.NotFound : HostNameOutcome.Resolved, distinct);
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.HostNotFound or SocketError.NoData)
        {
            resolution = new HostResolution(name, HostNameOutcome.NotFound, []);
        }
        catch (Exception ex) when (ex is SocketException or TimeoutException ||
                                   (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // Not cached: a resolver that is slow or down now may answer in a moment.
            LogFailed(logger, ex.GetType().Name);
            return new HostResolution(name, HostNameOutcome.Failed, []);
        }

        if (settings.CacheDuration > TimeSpan.Zero)
        {
            // The shared cache counts sizes in bytes; this is an estimate of the entry's.
            cache.Set(key, resolution, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = settings.CacheDuration, Size = 128 + (64 * resolution.Addresses.Count) });
        }

        return resolution;
    }

    // The name is what a visitor typed, so it is not logged.
    [LoggerMessage(Level = LogLevel.Warning, Message = "A host name could not be resolved in time ({Error})")]
    private static partial void LogFailed(ILogger logger, string error);
}
