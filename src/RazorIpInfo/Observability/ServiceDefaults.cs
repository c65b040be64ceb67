using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using RazorIpInfo.Hosting;
using RazorIpInfo.Lookup;

namespace RazorIpInfo.Observability;

/// <summary>
/// What every instance has whatever it serves, as in .NET Aspire's ServiceDefaults: metrics for Prometheus
/// at /metrics, traces and metrics over OTLP when a collector is configured, JSON logs outside Development
/// so that a log shipper gets fields (the trace id among them) instead of prose, and the health endpoints.
/// </summary>
public static class ServiceDefaults
{
    public const string MetricsPath = "/metrics";

    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        builder.AddTelemetry();
        builder.AddHealth();
        return builder;
    }

    /// <summary><c>OTEL_EXPORTER_OTLP_ENDPOINT</c> as options, so that start-up checks it with the other settings.</summary>
    private sealed class OtlpEndpoint
    {
        public const string Key = "OTEL_EXPORTER_OTLP_ENDPOINT";

        public string? Value { get; set; }
    }

    /// <summary>/healthz, /readyz and /metrics: probes and scrapers, none of them rate limited.</summary>
    public static IEndpointRouteBuilder MapDefaultEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapHealth();
        app.MapPrometheusScrapingEndpoint(MetricsPath).DisableRateLimiting();
        return app;
    }

    private static IHostApplicationBuilder AddTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton<LookupMetrics>();
        // The exporter would otherwise fail on its first export, long after start-up, in a log line of its own.
        builder.Services.AddOptions<OtlpEndpoint>()
            .Configure<IConfiguration>((endpoint, configuration) => endpoint.Value = configuration[OtlpEndpoint.Key])
            .Validate(endpoint => string.IsNullOrWhiteSpace(endpoint.Value) || HttpUrlAttribute.IsHttpUrl(endpoint.Value),
                $"{OtlpEndpoint.Key} must be an absolute http(s) URL, such as http://collector:4317.")
            .ValidateOnStart();

        if (!builder.Environment.IsDevelopment())
        {
            // Scopes carry the request's TraceId/SpanId, which join a log line to its trace.
            builder.Logging.AddJsonConsole(json =>
            {
                json.IncludeScopes = true;
                json.UseUtcTimestamp = true;
                json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Environment.ApplicationName))
            .WithMetrics(metrics => metrics
                .AddMeter(LookupMetrics.MeterName)
                // The runtime's own meter (.NET 9+): GC heap and pauses, working set, thread pool, JIT.
                // Memory is a deployment limit (docs/performance.md), and bench/run.sh reads the JIT count
                // to know when the site is warm.
                .AddMeter("System.Runtime")
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddPrometheusExporter());

        // The exporter reads the standard OTEL_EXPORTER_OTLP_* variables; without an endpoint it would
        // retry against localhost:4317 forever, so it is only added when one is configured. Traces are
        // only collected then too: with nowhere to send them, tagging every request's span is pure cost
        // (log lines still carry the TraceId of the request's own Activity).
        if (!string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpoint.Key]))
        {
            otel.WithTracing(tracing => tracing
                    .AddAspNetCoreInstrumentation(aspNet => aspNet.Filter = context => !IsScrapeOrProbe(context.Request.Path))
                    .AddHttpClientInstrumentation())
                .UseOtlpExporter();
        }

        return builder;
    }

    private static bool IsScrapeOrProbe(PathString path) =>
        path.StartsWithSegments(MetricsPath) || path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz");
}
