using RazorIpInfo.Hosting;

namespace RazorIpInfo.Bulk;

public static class BulkServiceCollectionExtensions
{
    /// <summary>
    /// What the bulk page and the batch API accept. Their lookups go through the one lookup service
    /// (<see cref="Lookup.IpLookupService.LookupManyAsync"/>), like every other lookup.
    /// </summary>
    public static IHostApplicationBuilder AddBulkLookup(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSectionOptions<BulkOptions>(BulkOptions.Section);
        return builder;
    }
}
