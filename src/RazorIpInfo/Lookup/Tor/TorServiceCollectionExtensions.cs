using Microsoft.Extensions.Options;
using RazorIpInfo.Hosting;
using RazorIpInfo.Lookup.DataFiles;

namespace RazorIpInfo.Lookup.Tor;

public static class TorServiceCollectionExtensions
{
    /// <summary>The list's name in logs, /readyz and /metrics, and its upstream client's.</summary>
    public const string DataName = "tor";

    /// <summary>The last good copy's file in <c>DownloadedData:Directory</c>.</summary>
    public const string FileName = "tor-exit-list.txt";

    /// <summary>The Tor exit flag on every answer: the Tor Project's bulk exit list, refreshed in the background.</summary>
    public static IHostApplicationBuilder AddTorExitFlag(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSectionOptions<TorOptions>(TorOptions.Section);
        builder.Services.AddDownloadedData(DataName, provider =>
        {
            var tor = provider.GetRequiredService<IOptions<TorOptions>>().Value;
            return new DownloadedDataSettings(
                new Uri(tor.Enabled ? tor.ExitListUrl! : TorOptions.DefaultExitListUrl),
                tor.RefreshInterval,
                tor.StaleAfter,
                tor.MaxListBytes,
                FileName) { Enabled = tor.Enabled };
        }, TorExitList.Parse);
        builder.Services.AddSingleton<TorExits>();
        return builder;
    }
}
