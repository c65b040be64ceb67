using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
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

        // Kestrel's own section names, read here: the host binds Kestrel:Endpoints but not these limits.
        var limits = builder.Configuration.GetSection("Kestrel:Limits");
        builder.Services.Configure<KestrelServerOptions>(kestrel =>
        {
            kestrel.Limits.MaxConcurrentConnections =
                limits.GetValue<long?>(nameof(KestrelServerLimits.MaxConcurrentConnections)) ?? DefaultMaxConcurrentConnections;
            kestrel.Limits.MaxConcurrentUpgradedConnections =
                limits.GetValue<long?>(nameof(KestrelServerLimits.MaxConcurrentUpgradedConnections)) ?? DefaultMaxConcurrentUpgradedConnections;
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
