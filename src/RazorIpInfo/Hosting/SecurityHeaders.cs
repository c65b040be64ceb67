namespace RazorIpInfo.Hosting;

/// <summary>
/// Headers that make the browser refuse what the site never does: inline script or style, framing,
/// foreign scripts, MIME sniffing. The page is built for this policy (no inline script or style).
/// </summary>
public static class SecurityHeaders
{
    /// <summary>What the site's own answers say: for this visitor's browser only, asked again each time.</summary>
    public const string PerVisitorCaching = "private, no-cache";

    internal const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
        "frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

    internal const string PermissionsPolicy = "camera=(), microphone=(), geolocation=(), payment=(), usb=()";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app)
    {
        return app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            headers["Permissions-Policy"] = PermissionsPolicy;
            context.Response.OnStarting(DefaultCaching, context);
            return next(context);
        });
    }

    /// <summary>
    /// Most answers are about the visitor (their address, their headers), so no shared cache may keep one
    /// for the next visitor, and the browser asks again rather than show an address from before a network
    /// change. Decided when the answer starts, and only for answers that chose no caching of their own:
    /// MapStaticAssets marks fingerprinted files immutable for a year, and a second Cache-Control beside
    /// that one would make every repeat visit revalidate every asset.
    /// </summary>
    private static Task DefaultCaching(object state)
    {
        var headers = ((HttpContext)state).Response.Headers;
        if (string.IsNullOrEmpty(headers.CacheControl))
        {
            headers.CacheControl = PerVisitorCaching;
        }

        return Task.CompletedTask;
    }
}
