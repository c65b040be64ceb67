using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RazorIpInfo.Lookup.Caching;
using RazorIpInfo.Lookup.IpApi;

namespace RazorIpInfo.Lookup;

public static class LookupServiceCollectionExtensions
{
    public const string IpApiProviderId = "ip-api";

    public static IHostApplicationBuilder AddIpLookup(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<LookupMetrics>();

        builder.AddIpApi();

        builder.AddLookupCache();
        builder.Services.AddOptions<LookupOptions>()
            .BindConfiguration(LookupOptions.Section)
            .Validate<IServiceProviderIsKeyedService>(
                (o, registered) => o.EffectiveProviders.All(id => registered.IsKeyedService(typeof(IIpInfoProvider), id)),
                "Lookup:Providers names a provider that does not exist (known: ip-api, mmdb).")
            .Validate(o => o.EffectiveProviders.Distinct(StringComparer.Ordinal).Count() == o.EffectiveProviders.Count,
                "Lookup:Providers names a provider twice.")
            .ValidateOnStart();

        // Providers are keyed by their configuration id; the chain resolves each one through this single
        // seam, so a per-provider decorator (such as a cache) can be registered per key. Every part of the chain
        // holds only singletons and no state of its own, so it is built once, not for each request.
        builder.Services.AddKeyedSingleton<IIpInfoProvider>(IpApiProviderId, (services, _) =>
            services.WithLookupCache(services.GetRequiredService<IpApiClient>()));
        builder.Services.AddSingleton<IIpInfoProvider>(services => new ProviderChain(
            [.. services.GetRequiredService<IOptions<LookupOptions>>().Value.EffectiveProviders
                .Select(id => services.GetRequiredKeyedService<IIpInfoProvider>(id))],
            services.GetRequiredService<ILogger<ProviderChain>>()));
        builder.Services.AddSingleton<IpLookupService>();
        return builder;
    }
}
