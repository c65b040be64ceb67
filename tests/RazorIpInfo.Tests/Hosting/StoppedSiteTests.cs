using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Mvc.Testing;
using RazorIpInfo.Tests.Infrastructure;

namespace RazorIpInfo.Tests.Hosting;

/// <summary>
/// A stopped site leaves nothing running that keeps it in memory: no timer of its rate limiters or upstream clients.
/// A deployment would never notice; a test run that starts hundreds of sites in one process does, and two runs at once
/// ran the machine out of memory while each kept every site it had stopped (<see cref="EndpointLimiterRelease"/>).
/// </summary>
public sealed class StoppedSiteTests : EmulatedUpstreamTests
{
    [Fact]
    public async Task StoppedSitesCanBeCollectedOnceTheyHaveServedPagesAndUpstreamLookups()
    {
        var stopped = new List<WeakReference>();
        for (var i = 0; i < 6; i++)
        {
            stopped.Add(await ServeAndStopAsync(kind: i % 3));
        }

        // The first site of a process may stay referenced by process-wide statics (OpenTelemetry's self-diagnostics
        // captures the context it started in); what must not happen is one kept per site. A connection that has just
        // closed may still be finishing on the pool, so the count is taken again for a moment before it counts.
        var alive = stopped.Count;
        for (var attempt = 0; attempt < 50 && alive > 1; attempt++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            alive = stopped.Count(site => site.IsAlive);
            await Task.Delay(100);
        }

        Assert.InRange(alive, 0, 1);
    }

    /// <summary>0: in memory; 1: on Kestrel; 2: made by <c>WithWebHostBuilder</c>, and only that one disposed, as tests do.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private async Task<WeakReference> ServeAndStopAsync(int kind)
    {
        WebApplicationFactory<Program> site = kind == 2
            ? new RazorIpInfoFactory(Upstream).WithWebHostBuilder(_ => { })
            : new RazorIpInfoFactory(Upstream);
        if (kind == 1)
        {
            ((RazorIpInfoFactory)site).StartOnFreePort();
        }

        using (var visitor = site.CreateClient())
        {
            visitor.DefaultRequestHeaders.Add("X-Forwarded-For", "8.8.8.8");
            Assert.Contains("8.8.8.8", await visitor.GetStringAsync("/"), StringComparison.Ordinal);
        }

        var services = new WeakReference(site.Services);
        await site.DisposeAsync();
        return services;
    }
}
