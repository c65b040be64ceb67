using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using RazorIpInfo.Hosting;
using RazorIpInfo.Lookup.Caching;
using RazorIpInfo.Lookup.Upstream;

namespace RazorIpInfo.Lookup.DataFiles;

public static class DownloadedDataServiceCollectionExtensions
{
    /// <summary>A failed download is tried again after this, or after the refresh interval when that is shorter.</summary>
    public static readonly TimeSpan RetryAfterFailure = TimeSpan.FromMinutes(5);

    /// <summary>
    /// A list downloaded from <see cref="DownloadedDataSettings.Url"/> every
    /// <see cref="DownloadedDataSettings.RefreshInterval"/> in the background, through
    /// <see cref="HardenedUpstream.AddHardenedUpstream"/> under <paramref name="name"/> (bounded body, size cap,
    /// no redirects, retries, circuit), and kept on disk as <see cref="DownloadedDataSettings.FileName"/> in
    /// <c>DownloadedData:Directory</c>. A body <paramref name="parse"/> returns null for (or throws on), an
    /// oversized one and a failed download keep the copy in use. Resolved as
    /// <c>[FromKeyedServices(name)] IDownloadedData&lt;T&gt;</c>; <c>/readyz</c> has an entry named
    /// <paramref name="name"/> and <c>/metrics</c> its age (<c>razoripinfo_data_age_seconds{data="name"}</c>).
    /// </summary>
    /// <param name="name">The data's name in logs, <c>/readyz</c> and <c>/metrics</c>, and its client's, budget's and circuit's.</param>
    /// <param name="settings">Read once, when the data is first resolved (after start-up validated the options).</param>
    /// <param name="parse">The whole body to the value in use; null for a body that must not be used (empty, malformed).</param>
    public static IServiceCollection AddDownloadedData<T>(
        this IServiceCollection services, string name, Func<IServiceProvider, DownloadedDataSettings> settings, Func<ReadOnlyMemory<byte>, T?> parse)
        where T : class
    {
        if (!services.Any(service => service.ServiceType == typeof(DownloadedDataMetrics)))
        {
            services.AddSectionOptions<DownloadedDataOptions>(DownloadedDataOptions.Section);
            services.AddSingleton<DownloadedDataMetrics>();
        }

        services.AddHardenedUpstream(name, provider =>
        {
            var data = settings(provider);
            // A list of a few megabytes at most, fetched hourly: time enough for a slow mirror, and a
            // circuit that stops asking a host that keeps failing for a while rather than at every retry.
            return new UpstreamPolicy(
                data.Url,
                AttemptTimeout: TimeSpan.FromSeconds(30),
                TotalTimeout: TimeSpan.FromSeconds(90),
                MaxRetries: 2,
                MaxResponseBytes: (int)Math.Min(data.MaxBytes, int.MaxValue),
                CircuitMinimumThroughput: 2,
                CircuitBreakDuration: TimeSpan.FromMinutes(1),
                RequestsPerMinute: 0);
        });

        services.AddKeyedSingleton<IDownloadedData<T>>(name, (provider, _) => new DownloadedData<T>(
            name,
            settings(provider),
            parse,
            DataFolder.Resolve(
                provider.GetRequiredService<IOptions<DownloadedDataOptions>>().Value.Directory,
                provider.GetRequiredService<IHostEnvironment>().ContentRootPath),
            provider.GetRequiredService<IHttpClientFactory>(),
            provider.GetRequiredKeyedService<TimeProvider>(LookupCacheServiceCollectionExtensions.ClockKey),
            provider.GetRequiredService<ILoggerFactory>().CreateLogger("RazorIpInfo.Lookup.DataFiles.DownloadedData")));
        services.AddSingleton(new DownloadedDataName(name));
        services.AddSingleton<IDownloadedDataStatus>(provider => (IDownloadedDataStatus)provider.GetRequiredKeyedService<IDownloadedData<T>>(name));
        services.AddSingleton<IHostedService>(provider => new DownloadedDataRefresher(
            (IDownloadedDataStatus)provider.GetRequiredKeyedService<IDownloadedData<T>>(name),
            provider.GetRequiredKeyedService<TimeProvider>(LookupCacheServiceCollectionExtensions.ClockKey),
            provider.GetRequiredService<DownloadedDataMetrics>()));
        return services;
    }

    /// <summary>
    /// Downloads one list every refresh interval on the lookup clock (tests move it with FakeTimeProvider).
    /// The first download waits until the disk copy is a refresh interval old, so a restart does not fetch
    /// again what was fetched a moment ago.
    /// </summary>
    private sealed class DownloadedDataRefresher(IDownloadedDataStatus data, TimeProvider clock, DownloadedDataMetrics metrics) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            // The gauge exists once the first list's refresher does.
            _ = metrics;
            if (!data.Settings.Enabled)
            {
                return;
            }

            var interval = data.Settings.RefreshInterval;
            var wait = data.FetchedAt is { } at ? Clamp(at + interval - clock.GetUtcNow(), interval) : TimeSpan.Zero;
            try
            {
                while (true)
                {
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait, clock, stoppingToken);
                    }

                    wait = await data.RefreshAsync(stoppingToken) ? interval : Clamp(RetryAfterFailure, interval);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Stopping.
            }
        }

        private static TimeSpan Clamp(TimeSpan wait, TimeSpan most) =>
            wait < TimeSpan.Zero ? TimeSpan.Zero : wait > most ? most : wait;
    }
}

/// <summary>The age of every downloaded list, in the site's own meter, as <c>razoripinfo.data.age</c> tagged with its name.</summary>
internal sealed class DownloadedDataMetrics
{
    public DownloadedDataMetrics(IMeterFactory meterFactory, IEnumerable<IDownloadedDataStatus> downloads)
    {
        var all = downloads.ToList();
        meterFactory.Create(LookupMetrics.MeterName).CreateObservableGauge(
            "razoripinfo.data.age",
            () => all.Where(data => data.AgeSeconds is not null)
                .Select(data => new Measurement<double>(data.AgeSeconds!.Value, new KeyValuePair<string, object?>("data", data.Name))),
            "s",
            "Age of the copy in use of each downloaded list (the Tor exit list, …); absent while there is none.");
    }
}
