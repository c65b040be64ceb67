using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using RazorIpInfo.Lookup;
using RazorIpInfo.Tests.Infrastructure;
using WireMock.ResponseBuilders;

namespace RazorIpInfo.Tests.Observability;

public sealed class MetricsTests : EmulatedUpstreamTests
{
    [Fact]
    public async Task MetricsEndpointAnswersPrometheusTextWithTheSitesCounters()
    {
        Upstream.Respond("8.8.8.8", Response.Create()
            .WithBodyAsJson(IpApiEmulator.Samples.GoogleDnsV4).WithHeader("X-Rl", "44").WithHeader("X-Ttl", "60"));
        await using var app = new RazorIpInfoFactory(Upstream);
        var client = app.CreateClient();
        using var budget = new MetricCollector<int>(app.Services.GetRequiredService<IMeterFactory>(), LookupMetrics.MeterName, "razoripinfo.upstream.budget.remaining");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/ip-info/8.8.8.8")).StatusCode);

        var response = await client.GetAsync("/metrics");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("# TYPE razoripinfo_lookups_total counter", body, StringComparison.Ordinal);
        Assert.Contains("# TYPE razoripinfo_upstream_calls_total counter", body, StringComparison.Ordinal);
        Assert.Contains("razoripinfo_upstream_duration_seconds_bucket", body, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^razoripinfo_upstream_budget_remaining\{[^}]*\} \d+( \d+)?$", body);
        // The gauge carries what the upstream's X-Rl header said. Its value is read from this site's own meter:
        // OpenTelemetry listens by meter name, so while other tests' sites run in this process the scrape's
        // gauge line may carry another site's figure (one site per process in production).
        budget.RecordObservableInstruments();
        Assert.Equal(44, budget.LastMeasurement?.Value);
    }

    [Fact]
    public async Task MetricsEndpointCarriesTheRuntimesMemoryAndJitFigures()
    {
        await using var app = new RazorIpInfoFactory(Upstream);
        var client = app.CreateClient();

        var body = await client.GetStringAsync("/metrics");

        // Memory limits are set per deployment, and bench/run.sh warms the site until the JIT count settles.
        Assert.Matches(@"(?m)^dotnet_process_memory_working_set_bytes\{[^}]*\} [1-9]", body);
        Assert.Matches(@"(?m)^dotnet_gc_heap_total_allocated_bytes_total\{[^}]*\} [1-9]", body);
        Assert.Matches(@"(?m)^dotnet_jit_compiled_methods_total\{[^}]*\} [1-9]", body);
    }

    [Fact]
    public async Task ALookupMovesTheLookupCounterAndOnlyTheFirstReachesTheUpstream()
    {
        await using var app = new RazorIpInfoFactory(Upstream);
        var client = app.CreateClient();
        var meters = app.Services.GetRequiredService<IMeterFactory>();
        using var lookups = new MetricCollector<long>(meters, LookupMetrics.MeterName, "razoripinfo.lookups");
        using var calls = new MetricCollector<long>(meters, LookupMetrics.MeterName, "razoripinfo.upstream.calls");

        await client.GetAsync("/api/ip-info/8.8.8.8");
        await client.GetAsync("/api/ip-info/8.8.8.8");
        await client.GetAsync("/api/ip-info/10.0.0.1");

        var recorded = lookups.GetMeasurementSnapshot();
        Assert.Equal(2, recorded.Count(m => m.Tags["outcome"] as string == "found"));
        Assert.Equal(1, recorded.Count(m => m.Tags["outcome"] as string == "refused"));
        Assert.Equal(1, calls.GetMeasurementSnapshot().Count(m => m.Tags["status"] as string == "200"));
    }
}
