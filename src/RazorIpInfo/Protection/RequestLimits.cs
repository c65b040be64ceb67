using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace RazorIpInfo.Protection;

public sealed class RequestLimitOptions
{
    public const string Section = "RequestLimits";

    /// <summary>
    /// The most a bulk post or batch API request may take, its body included. Kestrel's minimum data rate is an
    /// average over the whole body, so a client that sends most of a large body at once and then a byte every few
    /// seconds stays above it for an hour; this deadline does not. Kept below nginx's <c>proxy_read_timeout</c>
    /// (15 s in deploy/nginx.conf), so that the site's own answer arrives before nginx gives up.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan BulkRequestTimeout { get; set; } = TimeSpan.FromSeconds(12);
}

/// <summary>Bounds on connections and request bodies, so that slow or many clients cannot hold the site's memory.</summary>
public static class RequestLimits
{
    /// <summary>The request-timeout policy of the bulk deadline, for a page's <c>[RequestTimeout]</c>; endpoints use <see cref="WithBulkDeadline{TBuilder}"/>.</summary>
    public const string BulkDeadline = "bulk";

    /// <summary>Kestrel's own defaults are no limit; these apply unless <c>Kestrel:Limits:*</c> sets them.</summary>
    public const long DefaultMaxConcurrentConnections = 1000;

    /// <summary>The site has no WebSockets or other upgrades; a few are allowed for tooling, not thousands.</summary>
    public const long DefaultMaxConcurrentUpgradedConnections = 16;

    public static IHostApplicationBuilder AddRequestLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RequestLimitOptions>()
            .BindConfiguration(RequestLimitOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // Runs after the host binds Kestrel:Limits, so a configured value stays and only an unset one gets ours.
        builder.Services.Configure<KestrelServerOptions>(kestrel =>
        {
            kestrel.Limits.MaxConcurrentConnections ??= DefaultMaxConcurrentConnections;
            kestrel.Limits.MaxConcurrentUpgradedConnections ??= DefaultMaxConcurrentUpgradedConnections;
        });

        builder.Services.AddRequestTimeouts();
        builder.Services.AddOptions<RequestTimeoutOptions>().Configure<IOptions<RequestLimitOptions>>((timeouts, limits) =>
            timeouts.AddPolicy(BulkDeadline, new RequestTimeoutPolicy
            {
                Timeout = limits.Value.BulkRequestTimeout,
                // The client did not finish in time: almost always its body. The status pages and ProblemDetails explain it.
                TimeoutStatusCode = StatusCodes.Status408RequestTimeout,
            }));
        return builder;
    }

    /// <summary>The bulk deadline (<see cref="RequestLimitOptions.BulkRequestTimeout"/>) on an endpoint that reads a large body.</summary>
    public static TBuilder WithBulkDeadline<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new RequestTimeoutAttribute(BulkDeadline));
}
