using RazorIpInfo.Hosting;

namespace RazorIpInfo.Lookup.Networks;

public static partial class NetworkServiceCollectionExtensions
{
    /// <summary>The offline network data: prefix, AS and organisation on every answer, and the AS pages.</summary>
    public static IHostApplicationBuilder AddNetworkData(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSectionOptions<NetworkOptions>(NetworkOptions.Section);

        builder.Services.AddSingleton<NetworkDatabase>();
        builder.Services.AddHostedService<NetworkDataLoader>();
        return builder;
    }

    /// <summary>
    /// Builds the index in the background at start-up (about a second for the real files), so the
    /// site listens at once and the first visitor rarely waits; says in one line what is missing.
    /// </summary>
    private sealed partial class NetworkDataLoader(NetworkDatabase networks, ILogger<NetworkDataLoader> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            _ = Task.Run(() =>
            {
                if (networks.Unloaded is { Count: > 0 } missing)
                {
                    LogMissing(logger, string.Join(", ", missing), networks.Directory);
                }
            }, CancellationToken.None);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(Level = LogLevel.Warning, Message = "Offline network data not loaded ({Files}); cards show no network prefix, and no AS when ip-api.com cannot answer. Fetch it with scripts/fetch-asn.sh {Directory}")]
        private static partial void LogMissing(ILogger logger, string files, string directory);
    }
}
