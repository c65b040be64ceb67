using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Net.Http.Headers;
using RazorIpInfo.Personalisation;

namespace RazorIpInfo.Protection;

public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Lookups of an address the client chose (?ip=, /api/ip-info/{ip}) per client per minute.</summary>
    [Range(1, 10_000_000)]
    public int LookupsPerMinute { get; set; } = 30;

    /// <summary>Requests for the client's own card per client per minute: reloads are cheap, so more generous.</summary>
    [Range(1, 10_000_000)]
    public int OwnCardPerMinute { get; set; } = 120;
}

/// <summary>
/// Inbound rate limits, per client address as resolved by the trusted-proxy middleware, so that one
/// client cannot spend the upstream quota every visitor shares.
/// </summary>
public static class RateLimits
{
    public const string Policy = "ip-info";

    public static IHostApplicationBuilder AddInboundRateLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RateLimitOptions>()
            .BindConfiguration(RateLimitOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddSingleton<ClientLookupLimiter>();
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = OnRejectedAsync;
            limiter.AddPolicy(Policy, context =>
            {
                var options = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<RateLimitOptions>>().Value;
                var client = ClientKey(context);
                if (IsLookupOfChosenAddress(context))
                {
                    // The allowance bulk lookups spend too (ClientLookupLimiter).
                    var lookups = context.RequestServices.GetRequiredService<ClientLookupLimiter>();
                    return RateLimitPartition.Get("lookup:" + client, _ => lookups.For(client));
                }

                var perMinute = options.OwnCardPerMinute;
                return RateLimitPartition.GetTokenBucketLimiter(
                    "own:" + client,
                    _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = perMinute,
                        TokensPerPeriod = perMinute,
                        ReplenishmentPeriod = TimeSpan.FromMinutes(1),
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    });
            });
        });
        return builder;
    }

    /// <summary>Whose allowance a request spends.</summary>
    public static string ClientKey(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static bool IsLookupOfChosenAddress(HttpContext context) =>
        !string.IsNullOrWhiteSpace(context.Request.Query["ip"]) ||
        context.Request.RouteValues.TryGetValue("ip", out var ip) && !string.IsNullOrWhiteSpace(ip as string);

    private static async ValueTask OnRejectedAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
        var seconds = (int)Math.Ceiling(retryAfter.TotalSeconds);
        context.Response.Headers[HeaderNames.RetryAfter] = seconds.ToString(CultureInfo.InvariantCulture);

        var format = context.Request.Path.StartsWithSegments("/api") ? RootFormat.Json : ContentNegotiation.Choose(context.Request);
        if (format == RootFormat.Json)
        {
            var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails =
                {
                    Status = StatusCodes.Status429TooManyRequests,
                    Title = "Too many requests",
                    Detail = $"This client has made too many lookups. Try again in {seconds} s.",
                },
            });
        }
        else if (format == RootFormat.Text)
        {
            // curl and scripts get a line they can print, like every other plain-text answer.
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync($"Too many requests: try again in {seconds} s.\n", cancellationToken);
        }

        // Pages get an empty 429 here; the status-code pages render the friendly page for it.
    }
}
