using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;

namespace RazorIpInfo.Lookup.HostNames;

public enum HostNameOutcome
{
    /// <summary>The name has public addresses; the card describes the first.</summary>
    Resolved,

    NotFound,

    /// <summary>The resolver failed or did not answer within <see cref="HostNameOptions.Timeout"/>.</summary>
    Failed,

    /// <summary><see cref="HostNameOptions.MaxConcurrent"/> resolutions were already running.</summary>
    Busy,

    /// <summary>Every address of the name is private, loopback or reserved; which ones is not said.</summary>
    NonPublic,

    /// <summary>What was typed is an IPv4 address in a numeric or hexadecimal form, refused as a name.</summary>
    NumericAddress,

    /// <summary>What was typed is a single label, refused as a name.</summary>
    SingleLabel,
}

/// <summary>
/// What resolving one name gave. <see cref="Addresses"/> holds only public addresses: a name that also points
/// into a private network (split-horizon DNS, <c>db.internal</c>) must not tell visitors the server's internal view.
/// </summary>
public sealed record HostResolution(string Name, HostNameOutcome Outcome, IReadOnlyList<IPAddress> Addresses)
{
    /// <summary>The first public address, the one the card describes; null unless <see cref="HostNameOutcome.Resolved"/>.</summary>
    public IPAddress? Chosen => Addresses.Count > 0 ? Addresses[0] : null;
}

/// <summary>
/// Resolves names so that a slow or silent resolver slows only name lookups: each resolution runs on a
/// dedicated thread, at most <see cref="HostNameOptions.MaxConcurrent"/> at once (beyond that the answer is
/// <see cref="HostNameOutcome.Busy"/> at once); the wait ends at the timeout whatever the resolver does; and
/// answers, failures included, are reused briefly through HybridCache, which also lets concurrent callers
/// of one name share one resolution.
/// </summary>
public sealed partial class HostNameLookup : IDisposable
{
    /// <summary>The clock for the timeout and the cache's freshness; tests replace this one.</summary>
    public const string ClockKey = "host-names";

    private readonly IHostNameResolver resolver;
    private readonly HybridCache cache;
    private readonly IOptions<HostNameOptions> options;
    private readonly TimeProvider clock;
    private readonly ILogger<HostNameLookup> logger;
    private readonly ConcurrencyLimiter running;

    public HostNameLookup(
        IHostNameResolver resolver,
        HybridCache cache,
        IOptions<HostNameOptions> options,
        [FromKeyedServices(ClockKey)] TimeProvider clock,
        ILogger<HostNameLookup> logger)
    {
        this.resolver = resolver;
        this.cache = cache;
        this.options = options;
        this.clock = clock;
        this.logger = logger;
        // No queue: a queue behind a silent resolver is the starvation this class exists to prevent.
        running = new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = options.Value.MaxConcurrent, QueueLimit = 0 });
    }

    public void Dispose() => running.Dispose();

    public async Task<HostResolution> ResolveAsync(string name, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.CacheDuration <= TimeSpan.Zero && settings.NegativeCacheDuration <= TimeSpan.Zero)
        {
            return Present(name, await ResolveNowAsync(name, cancellationToken));
        }

        var key = Key(name);
        var resolvedNow = new StrongBox<bool>();
        var entry = await GetOrResolveAsync(key, name, resolvedNow, cancellationToken);
        if (!resolvedNow.Value && !IsFresh(entry))
        {
            // HybridCache's expiry is the longer of the two durations, on the real clock; which answers are still
            // good is decided here, on the lookup's clock.
            await cache.RemoveAsync(key, cancellationToken);
            entry = await GetOrResolveAsync(key, name, resolvedNow, cancellationToken);
        }

        if (entry.Outcome == HostNameOutcome.Busy)
        {
            // "Too many at once" is about this server at this moment, not about the name: never kept.
            await cache.RemoveAsync(key, cancellationToken);
        }

        return Present(name, entry);
    }

    private ValueTask<HostNameEntry> GetOrResolveAsync(string key, string name, StrongBox<bool> resolvedNow, CancellationToken cancellationToken) =>
        cache.GetOrCreateAsync(key, (Owner: this, Name: name, ResolvedNow: resolvedNow), static (state, ct) =>
            {
                state.ResolvedNow.Value = true;
                return new ValueTask<HostNameEntry>(state.Owner.ResolveNowAsync(state.Name, ct));
            },
            EntryOptions, cancellationToken: cancellationToken);

    private async Task<HostNameEntry> ResolveNowAsync(string name, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var lease = running.AttemptAcquire();
        if (!lease.IsAcquired)
        {
            lease.Dispose();
            LogBusy(logger, settings.MaxConcurrent);
            return new HostNameEntry(HostNameOutcome.Busy, [], clock.GetUtcNow());
        }

        // The timer is armed before the resolver starts, on the lookup's clock, and the wait below ends when it
        // fires whether or not the resolver ever returns. The permit and the timer are given back only when the
        // resolver does return: a thread still blocked in getaddrinfo is still a thread in use.
        var timeout = new CancellationTokenSource(settings.Timeout, clock);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        // LongRunning: a thread of its own, outside the pool that serves requests.
        var resolving = Task.Factory.StartNew(() => resolver.Resolve(name), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        _ = resolving.ContinueWith(static (done, state) =>
        {
            var (permit, timer) = ((RateLimitLease, CancellationTokenSource))state!;
            permit.Dispose();
            timer.Dispose();
            _ = done.Exception; // observed: the visitor may have stopped waiting long ago
        }, (lease, timeout), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

        try
        {
            var addresses = await resolving.WaitAsync(wait.Token);
            return Classify(addresses, settings.MaxAddresses);
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.HostNotFound or SocketError.NoData)
        {
            return new HostNameEntry(HostNameOutcome.NotFound, [], clock.GetUtcNow());
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogFailed(logger, "Timeout");
            return new HostNameEntry(HostNameOutcome.Failed, [], clock.GetUtcNow());
        }
        catch (Exception ex) when (ex is SocketException or ArgumentException)
        {
            LogFailed(logger, ex.GetType().Name);
            return new HostNameEntry(HostNameOutcome.Failed, [], clock.GetUtcNow());
        }
    }

    /// <summary>The first public address among all of them is the one described, however many private ones come first.</summary>
    private HostNameEntry Classify(IPAddress[] addresses, int maxShown)
    {
        var normalised = addresses.Select(AddressInput.Normalise).Distinct().ToArray();
        if (normalised.Length == 0)
        {
            return new HostNameEntry(HostNameOutcome.NotFound, [], clock.GetUtcNow());
        }

        var publicOnes = normalised.Where(a => AddressScope.Classify(a) == AddressKind.Public).Take(maxShown).Select(a => a.ToString()).ToArray();
        return new HostNameEntry(publicOnes.Length == 0 ? HostNameOutcome.NonPublic : HostNameOutcome.Resolved, publicOnes, clock.GetUtcNow());
    }

    private bool IsFresh(HostNameEntry entry)
    {
        var settings = options.Value;
        var ttl = entry.Outcome switch
        {
            HostNameOutcome.Resolved or HostNameOutcome.NonPublic => settings.CacheDuration,
            HostNameOutcome.NotFound or HostNameOutcome.Failed => settings.NegativeCacheDuration,
            _ => TimeSpan.Zero,
        };
        return clock.GetUtcNow() - entry.At < ttl;
    }

    private static HostResolution Present(string name, HostNameEntry entry) =>
        new(name, entry.Outcome, [.. entry.Addresses.Select(IPAddress.Parse)]);

    // In this process only: each instance's answer is its own resolver's, and a round trip to Redis would cost
    // about what a cached DNS answer does. The key is hashed only because a 253-character name and a prefix
    // would exceed the cache's key length.
    private HybridCacheEntryOptions EntryOptions
    {
        get
        {
            var settings = options.Value;
            var longest = settings.CacheDuration > settings.NegativeCacheDuration ? settings.CacheDuration : settings.NegativeCacheDuration;
            return new HybridCacheEntryOptions
            {
                Expiration = longest,
                LocalCacheExpiration = longest,
                Flags = HybridCacheEntryFlags.DisableDistributedCache,
            };
        }
    }

    private static string Key(string name) =>
        "hostname:v1:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(name)));

    // The name is what a visitor typed, so it is not logged.
    [LoggerMessage(Level = LogLevel.Warning, Message = "A host name could not be resolved in time ({Error})")]
    private static partial void LogFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "A host name lookup was refused: {MaxConcurrent} resolutions are already running (HostNames:MaxConcurrent)")]
    private static partial void LogBusy(ILogger logger, int maxConcurrent);
}

/// <summary>What the cache keeps for one name: the outcome, its public addresses, and when it was learnt (lookup clock).</summary>
internal sealed record HostNameEntry(HostNameOutcome Outcome, string[] Addresses, DateTimeOffset At);
