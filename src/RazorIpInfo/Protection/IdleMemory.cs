using System.Runtime;

namespace RazorIpInfo.Protection;

/// <summary>
/// Gives memory back to the system once a burst is over. The garbage collector only runs when something
/// allocates, so after a flood of slow uploads (bench/slow-body-flood.py) an instance that goes quiet keeps
/// every megabyte the flood made it commit: 55–70 MB on top of its idle 120 MB, still there minutes later.
/// Kestrel's memory pool evicts its idle blocks on its own, but they too are only freed by a collection.
/// So when an interval passes without a single collection (nothing is being served) after enough was
/// allocated to matter, one full, compacting collection returns it. It runs at most once per quiet spell,
/// never while requests keep the collector busy, and costs a few milliseconds of a process with nothing to do.
/// </summary>
public static class IdleMemory
{
    /// <summary>How long the process must go without a collection before it counts as quiet.</summary>
    public static readonly TimeSpan QuietInterval = TimeSpan.FromSeconds(10);

    /// <summary>Allocations since the last trim below this are not worth a full collection.</summary>
    public const long WorthTrimmingBytes = 16 * 1024 * 1024;

    public static IHostApplicationBuilder AddIdleMemoryTrim(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHostedService(services => new Trimmer(services.GetService<TimeProvider>() ?? TimeProvider.System));
        return builder;
    }

    /// <summary>What the trimmer reads from the runtime at each tick.</summary>
    public readonly record struct Reading(int Collections, long AllocatedBytes)
    {
        public static Reading Now() => new(GC.CollectionCount(0), GC.GetTotalAllocatedBytes());
    }

    /// <summary>
    /// Trim when no collection ran since the last tick (the process is quiet) and enough was allocated since
    /// the last trim to have grown the heap. A trim's own collection is not counted as activity.
    /// </summary>
    public static bool ShouldTrim(Reading lastTick, Reading now, long allocatedAtLastTrim) =>
        now.Collections == lastTick.Collections && now.AllocatedBytes - allocatedAtLastTrim >= WorthTrimmingBytes;

    private sealed class Trimmer(TimeProvider time) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            using var timer = new PeriodicTimer(QuietInterval, time);
            var lastTick = Reading.Now();
            var allocatedAtLastTrim = lastTick.AllocatedBytes;
            try
            {
                while (await timer.WaitForNextTickAsync(stoppingToken))
                {
                    var now = Reading.Now();
                    if (ShouldTrim(lastTick, now, allocatedAtLastTrim))
                    {
                        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
                        // Aggressive: compacting and decommitting everything it can, which is the point here.
                        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                        allocatedAtLastTrim = now.AllocatedBytes;
                        now = Reading.Now();
                    }

                    lastTick = now;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
            }
        }
    }
}
