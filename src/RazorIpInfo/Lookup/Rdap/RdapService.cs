using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;
using RazorIpInfo.Lookup.Caching;

namespace RazorIpInfo.Lookup.Rdap;

/// <summary>
/// Registration data for the card's on-demand section, the JSON and the text endpoints: the registry's answer,
/// from the site's cache (shared through Redis when configured) for <c>Rdap:CacheDuration</c>, a failure for
/// <c>Rdap:FailureCacheDuration</c> only.
/// </summary>
public sealed class RdapService(RdapClient client, HybridCache cache, LookupCacheKeys keys, IOptions<RdapOptions> options)
{
    public async Task<RdapAnswer> ForAddressAsync(IPAddress address, CancellationToken cancellationToken)
    {
        // The address is hashed in the key, as the lookup cache's are: key names are visible to whoever lists Redis.
        var key = keys.For("rdap", address, "any");
        return await CachedAsync(key, address, static (state, token) => state.Client.LookupAsync(state.Value, token), cancellationToken);
    }

    public async Task<RdapAnswer> ForAsAsync(uint asNumber, CancellationToken cancellationToken)
    {
        var key = LookupCacheKeys.Prefix + "rdap:as:" + asNumber.ToString(CultureInfo.InvariantCulture);
        return await CachedAsync(key, asNumber, static (state, token) => state.Client.LookupAsync(state.Value, token), cancellationToken);
    }

    private async Task<RdapAnswer> CachedAsync<T>(
        string key, T value, Func<(RdapClient Client, T Value), CancellationToken, Task<RdapAnswer>> ask, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var asked = new StrongBox<bool>();
        var answer = await cache.GetOrCreateAsync(
            key,
            (Client: client, Value: value, Ask: ask, Asked: asked),
            static async (state, token) =>
            {
                state.Asked.Value = true;
                return await state.Ask((state.Client, state.Value), token);
            },
            new HybridCacheEntryOptions { Expiration = settings.CacheDuration, LocalCacheExpiration = settings.CacheDuration },
            cancellationToken: cancellationToken);

        // HybridCache takes an entry's lifetime before the answer is known: a failure is put back with a short one,
        // so that a registry that was down or throttling is asked again soon, not tomorrow.
        // Only the call that asked does so, or a failure read back from the cache would live on with every visit.
        if (asked.Value && answer.Outcome is not (RdapOutcome.Found or RdapOutcome.NotFound or RdapOutcome.NoRegistry))
        {
            var retry = answer.RetryAfterSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : settings.FailureCacheDuration;
            var failureTtl = retry < settings.FailureCacheDuration ? retry : settings.FailureCacheDuration;
            await cache.SetAsync(key, answer, new HybridCacheEntryOptions { Expiration = failureTtl, LocalCacheExpiration = failureTtl },
                cancellationToken: cancellationToken);
        }

        return answer;
    }
}
