using Microsoft.Extensions.Options;
using RazorIpInfo.Hosting;

namespace RazorIpInfo.Lookup.GeoDb;

public static class GeoDbServiceCollectionExtensions
{
    /// <summary>Registers the offline provider under the id "mmdb" for <c>Lookup:Providers</c>.</summary>
    public static IHostApplicationBuilder AddGeoDb(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSectionOptions<GeoDbOptions>(GeoDbOptions.Section);

        builder.Services.AddSingleton<MmdbProvider>();
        // Not behind the lookup cache: a lookup is a read of a memory-mapped file, cheaper than the cache
        // itself, and a replaced database should show at once rather than after a TTL.
        builder.Services.AddKeyedSingleton<IIpInfoProvider>(MmdbProvider.Id, (services, _) => services.GetRequiredService<MmdbProvider>());
        builder.Services.AddHostedService<GeoDbStartupCheck>();
        return builder;
    }

    /// <summary>Opens the database at start-up, so a missing or broken file is reported before the first visitor.</summary>
    private sealed class GeoDbStartupCheck(IOptions<LookupOptions> lookup, IServiceProvider services) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (lookup.Value.EffectiveProviders.Contains(MmdbProvider.Id))
            {
                services.GetRequiredService<MmdbProvider>().Open();
            }

            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
