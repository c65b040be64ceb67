using Microsoft.AspNetCore.HttpOverrides;

namespace RazorIpInfo.Personalisation;

/// <summary>
/// Which peers may tell us the client's address. Only a proxy we trust may set X-Forwarded-For;
/// from anyone else the header is ignored, so visitors cannot choose whose data they see.
/// </summary>
public static class TrustedProxies
{
    public static IHostApplicationBuilder AddTrustedProxies(this IHostApplicationBuilder builder)
    {
        // The framework's defaults trust loopback only (127.0.0.0/8 and ::1), the right start for a
        // site that is either reached directly or through a proxy on the same host.
        builder.Services.Configure<ForwardedHeadersOptions>(options =>
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto);
        return builder;
    }

    public static IApplicationBuilder UseTrustedProxies(this IApplicationBuilder app) => app.UseForwardedHeaders();
}
