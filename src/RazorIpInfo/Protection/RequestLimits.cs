using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using RazorIpInfo.Hosting;

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

/// <summary>
/// Kestrel's own <c>Kestrel:Limits</c> keys that the site sets defaults for: the host binds <c>Kestrel:Endpoints</c>
/// but not these, and Kestrel's defaults are no limit.
/// </summary>
public sealed class KestrelLimitOptions
{
    public const string Section = "Kestrel:Limits";

    [Range(1, 10_000_000)]
    public long MaxConcurrentConnections { get; set; } = 1000;

    /// <summary>The site has no WebSockets or other upgrades; a few are allowed for tooling, not thousands.</summary>
    [Range(0, 10_000_000)]
    public long MaxConcurrentUpgradedConnections { get; set; } = 16;
}

/// <summary>Bounds on connections and request bodies, so that slow or many clients cannot hold the site's memory.</summary>
public static class RequestLimits
{
    /// <summary>The request-timeout policy of the bulk deadline, for a page's <c>[RequestTimeout]</c>; endpoints use <see cref="WithBulkDeadline{TBuilder}"/>.</summary>
    public const string BulkDeadline = "bulk";

    public static IHostApplicationBuilder AddRequestLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSectionOptions<RequestLimitOptions>(RequestLimitOptions.Section);
        builder.Services.AddSectionOptions<KestrelLimitOptions>(KestrelLimitOptions.Section);
        // Kestrel's options are built while the host is built, before the start-up check that names a bad key and
        // exits 1: read here without validating, and a bad value leaves Kestrel's default until that check stops start-up.
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IConfiguration>((kestrel, configuration) =>
        {
            var limits = new KestrelLimitOptions();
            try
            {
                configuration.GetSection(KestrelLimitOptions.Section).Bind(limits);
            }
            catch (InvalidOperationException)
            {
                return;
            }

            if (limits.MaxConcurrentConnections > 0)
            {
                kestrel.Limits.MaxConcurrentConnections = limits.MaxConcurrentConnections;
            }

            if (limits.MaxConcurrentUpgradedConnections >= 0)
            {
                kestrel.Limits.MaxConcurrentUpgradedConnections = limits.MaxConcurrentUpgradedConnections;
            }
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

    /// <summary>
    /// The request deadlines, and for a form posted to a page under the bulk deadline, the form read under it
    /// too. Razor Pages' antiforgery check is the first to read a posted form and does so without the request's
    /// cancellation token, so a slow form would outlast the deadline; read here first, with the token, the form is
    /// cached for the check and the handler. After routing, so that the endpoint's policy and size limit are known.
    /// </summary>
    public static IApplicationBuilder UseRequestLimits(this IApplicationBuilder app)
    {
        app.UseRequestTimeouts();
        app.Use(async (context, next) =>
        {
            var metadata = context.GetEndpoint()?.Metadata;
            if (metadata?.GetMetadata<RequestTimeoutAttribute>()?.PolicyName == BulkDeadline && context.Request.HasFormContentType)
            {
                // The page's [RequestSizeLimit] is applied by a filter that runs after this read: apply it first.
                if (metadata.GetMetadata<IRequestSizeLimitMetadata>() is { } size &&
                    context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
                {
                    bodySize.MaxRequestBodySize = size.MaxRequestBodySize;
                }

                try
                {
                    await context.Request.ReadFormAsync(context.RequestAborted);
                }
                catch (Exception e) when (e is InvalidDataException or Microsoft.AspNetCore.Http.BadHttpRequestException)
                {
                    // Too large or malformed: the antiforgery check meets the same and answers it as it always has.
                }
            }

            await next(context);
        });
        return app;
    }

    /// <summary>The bulk deadline (<see cref="RequestLimitOptions.BulkRequestTimeout"/>) on an endpoint that reads a large body.</summary>
    public static TBuilder WithBulkDeadline<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new RequestTimeoutAttribute(BulkDeadline));
}
