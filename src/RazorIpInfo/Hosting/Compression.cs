using Microsoft.AspNetCore.ResponseCompression;

namespace RazorIpInfo.Hosting;

/// <summary>
/// Brotli or gzip for what the app renders (HTML, the card fragment, JSON, text). Static assets are not
/// touched: MapStaticAssets serves them precompressed at build time, and the middleware leaves any
/// response that already has a Content-Encoding alone.
/// </summary>
public static class Compression
{
    public static IHostApplicationBuilder AddCompressionOfRenderedAnswers(this IHostApplicationBuilder builder)
    {
        builder.Services.AddResponseCompression(options =>
        {
            // On for HTTPS too, because behind a TLS-terminating proxy X-Forwarded-Proto makes every request
            // HTTPS here, and off would mean never compressing in production. BREACH needs a secret in the
            // same compressed body as attacker-chosen text (?ip= is reflected); these pages carry none: no
            // antiforgery tokens (every form is GET), no session or user data, and the visitor's own
            // address is already visible to anyone who can watch the encrypted traffic. A page that ever
            // renders a secret must opt out (IHttpsCompressionFeature.Mode) or this must be revisited.
            options.EnableForHttps = true;
            options.Providers.Add<BrotliCompressionProvider>();
            options.Providers.Add<GzipCompressionProvider>();
        });
        return builder;
    }

    public static IApplicationBuilder UseCompressionOfRenderedAnswers(this IApplicationBuilder app) =>
        app.UseResponseCompression();
}
