using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RazorIpInfo.Hosting;
using RazorIpInfo.Lookup.DataFiles;
using RazorIpInfo.Redis;

namespace RazorIpInfo.Observability;

/// <summary>
/// /healthz says the process is up (for restarts); /readyz says whether it can serve well (for the
/// load balancer). Neither is rate limited, and both answer in JSON.
/// </summary>
internal static class Health
{
    public const string ReadyTag = "ready";

    public static IHostApplicationBuilder AddHealth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks()
            .AddCheck<UpstreamHealthCheck>("upstream", tags: [ReadyTag])
            .AddCheck<RedisHealthCheck>("redis", tags: [ReadyTag])
            // Unhealthy until the instance has served its own hot paths (Hosting/WarmUp.cs).
            .AddCheck<WarmUpHealthCheck>("warm-up", tags: [ReadyTag]);
        // One entry per downloaded list, under its name, whichever features registered them.
        builder.Services.AddOptions<HealthCheckServiceOptions>()
            .Configure<IEnumerable<DownloadedDataName>>((health, downloads) =>
            {
                foreach (var name in downloads.Select(data => data.Name))
                {
                    health.Registrations.Add(new HealthCheckRegistration(
                        name,
                        services => new DownloadedDataHealthCheck(services.GetServices<IDownloadedDataStatus>().Single(data => data.Name == name)),
                        null,
                        [ReadyTag]));
                }
            });
        return builder;
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteJsonAsync });
        app.MapHealthChecks("/readyz", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = WriteJsonAsync,
        });
        return app;
    }

    // A check's figures (a list's ageSeconds) only where it has some.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private static Task WriteJsonAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(
                entry => entry.Key,
                entry => new
                {
                    status = entry.Value.Status.ToString(),
                    description = entry.Value.Description,
                    data = entry.Value.Data.Count > 0 ? entry.Value.Data : null,
                }),
        };
        return JsonSerializer.SerializeAsync(context.Response.Body, body, Json, context.RequestAborted);
    }
}
