using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using RazorIpInfo.Hosting;

namespace RazorIpInfo.Personalisation;

/// <summary>
/// Which peers may tell us the client's address. Only a proxy we trust may set X-Forwarded-For (or the
/// configured client-IP header); from anyone else the header is ignored, so visitors cannot choose whose
/// data they see. After <see cref="UseTrustedProxies"/>, <c>HttpContext.Connection.RemoteIpAddress</c>
/// (and <see cref="Lookup.VisitorAddress.From"/>) is the resolved client address, ready for anything
/// keyed by client, such as a rate limiter.
/// </summary>
public static class TrustedProxies
{
    public static IHostApplicationBuilder AddTrustedProxies(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSectionOptions<TrustedProxyOptions>(TrustedProxyOptions.Section);

        // The framework's defaults trust loopback only (127.0.0.0/8 and ::1); configured proxies are added
        // to them, so a proxy on the same host keeps working.
        builder.Services.AddOptions<ForwardedHeadersOptions>()
            .Configure<IOptions<TrustedProxyOptions>>((forwarded, trusted) =>
            {
                var options = trusted.Value;
                forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
                forwarded.ForwardLimit = options.ForwardLimit;
                foreach (var proxy in options.KnownProxies)
                {
                    forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
                }

                foreach (var network in options.KnownNetworks)
                {
                    forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
                }

                if (!string.IsNullOrEmpty(options.ClientIpHeader))
                {
                    forwarded.ForwardedForHeaderName = options.ClientIpHeader;
                }
            });
        return builder;
    }

    public static IApplicationBuilder UseTrustedProxies(this IApplicationBuilder app)
    {
        // Note what arrived before the middleware rewrites it, so the page can show how it was read.
        app.Use((context, next) =>
        {
            context.Features.Set(ForwardingRecord.Capture(context));
            return next(context);
        });
        return app.UseForwardedHeaders();
    }
}
