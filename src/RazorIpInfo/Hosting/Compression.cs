using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Net.Http.Headers;

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
            // HTTPS here, and off would mean never compressing in production. What keeps BREACH out is
            // SecretsStayUncompressed, for every scheme alike.
            options.EnableForHttps = true;
            options.Providers.Add<BrotliCompressionProvider>();
            options.Providers.Add<GzipCompressionProvider>();
        });
        builder.Services.Replace(ServiceDescriptor.Singleton<IResponseCompressionProvider>(services =>
            new SecretsStayUncompressed(ActivatorUtilities.CreateInstance<ResponseCompressionProvider>(services))));
        return builder;
    }

    public static IApplicationBuilder UseCompressionOfRenderedAnswers(this IApplicationBuilder app) =>
        app.UseResponseCompression();

    /// <summary>
    /// BREACH needs a secret in the same compressed body as text an attacker chooses (?ip= and the bulk list
    /// are reflected). A response that carries one is never compressed, whatever the scheme: the framework's
    /// HTTPS-only opt-out (IHttpsCompressionFeature) leaves plain HTTP compressed, and a proxy may add TLS
    /// after us. Such a response says so in its headers before its body: it sets a cookie, or it is
    /// <c>no-store</c>, which the antiforgery system puts on every response it writes a token into (and
    /// which a page carrying a token sets itself, before rendering, so that nothing is overridden).
    /// </summary>
    private sealed class SecretsStayUncompressed(IResponseCompressionProvider inner) : IResponseCompressionProvider
    {
        public ICompressionProvider? GetCompressionProvider(HttpContext context) => inner.GetCompressionProvider(context);

        public bool CheckRequestAcceptsCompression(HttpContext context) => inner.CheckRequestAcceptsCompression(context);

        public bool ShouldCompressResponse(HttpContext context) =>
            !CarriesSecret(context.Response) && inner.ShouldCompressResponse(context);

        private static bool CarriesSecret(HttpResponse response) =>
            response.Headers.ContainsKey(HeaderNames.SetCookie) ||
            (CacheControlHeaderValue.TryParse(response.Headers.CacheControl.ToString(), out var cacheControl) && cacheControl.NoStore);
    }
}
