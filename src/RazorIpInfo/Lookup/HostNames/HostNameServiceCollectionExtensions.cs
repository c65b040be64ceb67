using Microsoft.Extensions.DependencyInjection.Extensions;
using RazorIpInfo.Hosting;

namespace RazorIpInfo.Lookup.HostNames;

public static class HostNameServiceCollectionExtensions
{
    /// <summary>
    /// Host names as input: <c>?ip=example.com</c> on the page, the API and the text endpoints. Answers are kept in
    /// the HybridCache that <c>AddLookupCache</c> registers (in this process only).
    /// </summary>
    public static IHostApplicationBuilder AddHostNameInput(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSectionOptions<HostNameOptions>(HostNameOptions.Section);

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddKeyedSingleton<TimeProvider>(HostNameLookup.ClockKey, (services, _) => services.GetRequiredService<TimeProvider>());
        builder.Services.TryAddSingleton<IHostNameResolver, SystemHostNameResolver>();
        builder.Services.AddSingleton<HostNameLookup>();
        builder.Services.AddTransient<AddressQuery>();
        return builder;
    }
}
