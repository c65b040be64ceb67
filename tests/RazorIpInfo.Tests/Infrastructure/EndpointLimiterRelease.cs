using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace RazorIpInfo.Tests.Infrastructure;

/// <summary>
/// Lets a stopped test site be collected. The framework's rate-limiting middleware builds a partitioned limiter for
/// endpoint policies and never disposes it (dotnet/aspnetcore#66434, #69259). Its timer keeps the middleware, the rest
/// of the pipeline and the site's whole container reachable after the host has stopped. A deployment has one site per
/// process and never notices; a test run starts hundreds, and one process held about 10 GB by the end, enough for two
/// runs at once to exhaust the machine's memory. This captures the pipeline as the host builds it, and disposes that
/// limiter once the host has stopped. One per site's container, so a site made by <c>WithWebHostBuilder</c>, which the
/// test disposes instead of the factory it came from, is released too.
/// </summary>
/// <remarks>
/// A framework that renames what this reaches for makes it throw at stop, which the host only logs: what catches
/// that is <c>Hosting/StoppedSiteTests</c>, which then finds every stopped site still in memory.
/// </remarks>
internal sealed class EndpointLimiterRelease(IHostApplicationLifetime lifetime) : IStartupFilter
{
    private const string MiddlewareType = "Microsoft.AspNetCore.RateLimiting.RateLimitingMiddleware";
    private const string LimiterField = "_endpointLimiter";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        // Stopped: the server has drained, so no request is left in the pipeline.
        app.Use(rest =>
        {
            lifetime.ApplicationStopped.Register(() => Release(rest));
            return rest;
        });
        next(app);
    };

    private static void Release(RequestDelegate pipeline)
    {
        var middleware = FindMiddleware(pipeline)
            ?? throw new InvalidOperationException($"No {MiddlewareType} in the site's pipeline: see {nameof(EndpointLimiterRelease)}.");
        var field = middleware.GetType().GetField(LimiterField, BindingFlags.Instance | BindingFlags.NonPublic)
            ?? throw new InvalidOperationException($"{MiddlewareType} has no {LimiterField} any more: see {nameof(EndpointLimiterRelease)}.");
        (field.GetValue(middleware) as IDisposable)?.Dispose();
    }

    /// <summary>
    /// Follows the pipeline from middleware to middleware: each holds the next as a delegate, either itself or in the
    /// closure that <c>app.Use</c> made for it.
    /// </summary>
    private static object? FindMiddleware(Delegate start)
    {
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var pending = new Queue<object>([start]);
        while (pending.TryDequeue(out var item))
        {
            if (!seen.Add(item))
            {
                continue;
            }

            if (item is Delegate handler)
            {
                foreach (var target in handler.GetInvocationList().Select(d => d.Target).OfType<object>())
                {
                    pending.Enqueue(target);
                }

                continue;
            }

            if (item.GetType().FullName == MiddlewareType)
            {
                return item;
            }

            for (var type = item.GetType(); type is not null; type = type.BaseType)
            {
                foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                {
                    if (typeof(Delegate).IsAssignableFrom(field.FieldType) && field.GetValue(item) is { } next)
                    {
                        pending.Enqueue(next);
                    }
                }
            }
        }

        return null;
    }
}
