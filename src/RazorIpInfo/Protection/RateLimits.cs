using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using RazorIpInfo.Hosting;
using RazorIpInfo.Lookup;
using RazorIpInfo.Personalisation;

namespace RazorIpInfo.Protection;

public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Lookups of an address the client chose (?ip=, /api/ip-info/{ip}) per client per minute.</summary>
    [Range(1, 10_000_000)]
    public int LookupsPerMinute { get; set; } = 30;

    /// <summary>
    /// Every other request per client per minute: the client's own card, pages, bulk posts and downloads, batch
    /// API calls, AS pages. These cost no upstream lookup of the client's choosing (bulk spends
    /// <see cref="LookupsPerMinute"/> per address it sends upstream as well), so this is more generous.
    /// </summary>
    [Range(1, 10_000_000)]
    public int OwnCardPerMinute { get; set; } = 120;

    /// <summary>
    /// Requests one client may have in progress at once; more are refused at once (429) before their body is
    /// read, so that one client cannot hold many slow uploads open.
    /// </summary>
    [Range(1, 100_000)]
    public int ConcurrentRequestsPerClient { get; set; } = 8;

    /// <summary>
    /// IPv6 clients are counted per network of this prefix length, not per address: one host is usually given
    /// a whole /64 and could otherwise rotate through it to get a fresh allowance on every request.
    /// </summary>
    [Range(32, 128)]
    public int Ipv6PrefixLength { get; set; } = 64;
}

/// <summary>
/// Inbound rate limits, per client address as resolved by the trusted-proxy middleware, so that one
/// client cannot spend the upstream quota every visitor shares, nor the site's memory and CPU. Every page and
/// API endpoint has them through <see cref="RequirePerClientLimits{TBuilder}"/>; only health probes, metrics
/// and static files do not.
/// </summary>
public static class RateLimits
{
    internal const string Policy = "per-client";

    /// <summary>
    /// The per-client limits, on every endpoint of <paramref name="builder"/>: a request allowance per minute (for
    /// a lookup of an address the client chose, its lookup allowance) and a cap on requests in progress at once.
    /// Both are consulted before the endpoint runs, so before any request body is read.
    /// </summary>
    public static TBuilder RequirePerClientLimits<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.RequireRateLimiting(Policy);

    public static IHostApplicationBuilder AddInboundRateLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSectionOptions<RateLimitOptions>(RateLimitOptions.Section);

        builder.Services.AddSingleton<ClientLookupLimiter>();
        // The middleware consults the global limiter for every request. The framework never disposes the one set
        // in its options, and a partitioned limiter's timer keeps it and everything its creator could reach alive
        // (a test process's stopped sites, one after another): the container owns it and disposes it at stop.
        builder.Services.AddSingleton<RequestsInProgressLimiter>();
        builder.Services.AddOptions<RateLimiterOptions>()
            .Configure<RequestsInProgressLimiter>((limiter, inProgress) => limiter.GlobalLimiter = inProgress.Limiter);
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = OnRejectedAsync;

            limiter.AddPolicy(Policy, context =>
            {
                if (context.RequestServices.GetRequiredService<WarmUpState>().IsOwnRequest(context))
                {
                    // The new instance warming itself up (Hosting/WarmUp.cs) before /readyz lets visitors in.
                    return RateLimitPartition.GetNoLimiter("warm-up");
                }

                var options = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<RateLimitOptions>>().Value;
                var client = ClientPartition(context.Connection.RemoteIpAddress, options.Ipv6PrefixLength);
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

    /// <summary>Whose allowance a request counts against: an IPv4 address, or the IPv6 network around it.</summary>
    internal static string ClientPartition(IPAddress? address, int ipv6PrefixLength)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6 || address.IsIPv4MappedToIPv6)
        {
            return AddressInput.Normalise(address).ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        var full = ipv6PrefixLength / 8;
        if (full < 16)
        {
            bytes[full] &= (byte)(0xFF << (8 - (ipv6PrefixLength % 8)));
            bytes[(full + 1)..].Clear();
        }

        return new IPNetwork(new IPAddress(bytes), ipv6PrefixLength).ToString();
    }

    /// <summary>Whose allowance a request spends (bulk lookups count against the same one).</summary>
    public static string ClientKey(HttpContext context) => ClientPartition(
        context.Connection.RemoteIpAddress,
        context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<RateLimitOptions>>().Value.Ipv6PrefixLength);

    private static bool IsLookupOfChosenAddress(HttpContext context) =>
        !string.IsNullOrWhiteSpace(context.Request.Query["ip"]) ||
        context.Request.RouteValues.TryGetValue("ip", out var ip) && !string.IsNullOrWhiteSpace(ip as string);

    private static async ValueTask OnRejectedAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        // Only the token buckets say when; a client at its cap of requests in progress may try again as soon as one ends.
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var seconds = (int)Math.Ceiling(retryAfter.TotalSeconds);
        context.Response.Headers[HeaderNames.RetryAfter] = seconds.ToString(CultureInfo.InvariantCulture);

        var format = ClientFormat.Of(context);
        if (format == ResponseFormat.Json)
        {
            var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails =
                {
                    Status = StatusCodes.Status429TooManyRequests,
                    Title = "Too many requests",
                    Detail = $"This client has made too many requests. Try again in {seconds} s.",
                },
            });
        }
        else if (format == ResponseFormat.Text)
        {
            // curl and scripts get a line they can print, like every other plain-text answer.
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync($"Too many requests: try again in {seconds} s.\n", cancellationToken);
        }

        // Pages get an empty 429 here; the status-code pages render the friendly page for it.
    }
}

/// <summary>
/// The cap on each client's requests in progress at once, as the rate-limiting middleware's global limiter: only
/// endpoints under the per-client policy count, so that a page's own stylesheets and scripts are never refused.
/// </summary>
internal sealed class RequestsInProgressLimiter : IDisposable
{
    public RequestsInProgressLimiter(IOptions<RateLimitOptions> options, WarmUpState warmUp)
    {
        var limits = options.Value;
        Limiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName != RateLimits.Policy ||
                warmUp.IsOwnRequest(context))
            {
                return RateLimitPartition.GetNoLimiter("");
            }

            return RateLimitPartition.GetConcurrencyLimiter(
                RateLimits.ClientPartition(context.Connection.RemoteIpAddress, limits.Ipv6PrefixLength),
                _ => new ConcurrencyLimiterOptions { PermitLimit = limits.ConcurrentRequestsPerClient, QueueLimit = 0 });
        });
    }

    public PartitionedRateLimiter<HttpContext> Limiter { get; }

    public void Dispose() => Limiter.Dispose();
}
