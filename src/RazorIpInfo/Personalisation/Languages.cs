using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.Extensions.WebEncoders;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using RazorIpInfo.Hosting;
using RazorIpInfo.Lookup;

namespace RazorIpInfo.Personalisation;

/// <summary>
/// The page's language, chosen on the server from <c>?culture=</c>, the language cookie or Accept-Language,
/// in that order, among the languages the upstream can name places in.
/// </summary>
public static class Languages
{
    public static readonly IReadOnlyList<CultureInfo> Supported = [.. UpstreamLanguage.Supported.Select(CultureInfo.GetCultureInfo)];

    public static IHostApplicationBuilder AddLanguages(this IHostApplicationBuilder builder)
    {
        // No ResourcesPath: the resources are named after SharedResource's full name, RazorIpInfo.Resources.SharedResource.
        builder.Services.AddLocalization();
        // Razor's encoder escapes everything outside Basic Latin by default, which would turn a Japanese or
        // Russian page into numeric entities; the page is UTF-8, so only HTML's special characters need it.
        builder.Services.Configure<WebEncoderOptions>(options =>
            options.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        builder.Services.Configure<RequestLocalizationOptions>(options =>
        {
            options.DefaultRequestCulture = new RequestCulture(UpstreamLanguage.Default);
            options.SupportedCultures = [.. Supported];
            options.SupportedUICultures = [.. Supported];
            options.ApplyCurrentCultureToResponseHeaders = true;
            options.RequestCultureProviders =
            [
                new SameLanguageProvider(new QueryStringRequestCultureProvider { Options = options }),
                new SameLanguageProvider(new CookieRequestCultureProvider { Options = options }),
                new SameLanguageProvider(new AcceptLanguageProvider { Options = options }),
            ];
        });
        return builder;
    }

    public static IApplicationBuilder UseLanguages(this IApplicationBuilder app)
    {
        app.Use((context, next) =>
        {
            context.Response.Headers.Append(HeaderNames.Vary, HeaderNames.AcceptLanguage);
            return next(context);
        });
        return app.UseRequestLocalization();
    }

    /// <summary>
    /// The switcher's links: a plain GET that remembers the choice in the framework's culture cookie and
    /// goes back, so it works without JavaScript.
    /// </summary>
    public static IEndpointRouteBuilder MapLanguageSwitch(this IEndpointRouteBuilder app)
    {
        app.MapGet("/language/{culture}", (string culture, string? returnUrl, HttpContext context) =>
            {
                var chosen = Supported.FirstOrDefault(c => string.Equals(c.Name, culture, StringComparison.OrdinalIgnoreCase));
                if (chosen is null)
                {
                    return Results.NotFound();
                }

                context.Response.Cookies.Append(
                    CookieRequestCultureProvider.DefaultCookieName,
                    CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(chosen)),
                    new CookieOptions { MaxAge = TimeSpan.FromDays(365), IsEssential = true, HttpOnly = true, SameSite = Microsoft.AspNetCore.Http.SameSiteMode.Lax });
                return Results.LocalRedirect(LocalReturnUrl(returnUrl));
            })
            .ExcludeFromDescription();
        return app;
    }

    /// <summary>The switcher's link for <paramref name="culture"/>, returning to the current page.</summary>
    public static string SwitchUrl(CultureInfo culture, HttpRequest request) =>
        $"/language/{culture.Name}?returnUrl={Uri.EscapeDataString(request.Path + WithoutCulture(request))}";

    /// <summary>The query string without <c>culture</c>, which would otherwise outrank the choice just made in the cookie.</summary>
    private static QueryString WithoutCulture(HttpRequest request) =>
        request.Query.ContainsKey(CultureParameter)
            ? QueryString.Create(request.Query.Where(pair => !string.Equals(pair.Key, CultureParameter, StringComparison.OrdinalIgnoreCase)))
            : request.QueryString;

    /// <summary>The query-string parameter that chooses a language for one request (the framework's name for it).</summary>
    public const string CultureParameter = "culture";

    /// <summary>
    /// The language when this request chose it with <c>?culture=</c>, else null: forms and htmx requests carry it
    /// on, because nothing else would (a cookie or Accept-Language travels with every request by itself).
    /// </summary>
    public static string? ChosenInQuery(HttpContext context)
    {
        var feature = context.Features.Get<IRequestCultureFeature>();
        var provider = feature?.Provider is SameLanguageProvider aliasing ? aliasing.Inner : feature?.Provider;
        return provider is QueryStringRequestCultureProvider ? feature!.RequestCulture.UICulture.Name : null;
    }

    /// <summary>
    /// <paramref name="url"/> (a path on this site, with or without a query) in the language this request chose
    /// with <c>?culture=</c>, for links that would otherwise fall back to the cookie or Accept-Language.
    /// </summary>
    public static string WithChosenCulture(string url, HttpContext context) =>
        ChosenInQuery(context) is { } culture
            ? url + (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + CultureParameter + "=" + Uri.EscapeDataString(culture)
            : url;

    /// <summary>
    /// Where the switch goes back to: a path on this site, re-encoded, since the query string arrives decoded
    /// and a raw control or non-ASCII character cannot go into a Location header. Anything else goes home.
    /// </summary>
    internal static string LocalReturnUrl(string? returnUrl)
    {
        if (returnUrl is not { Length: > 0 and <= 2048 } || returnUrl[0] != '/' ||
            (returnUrl.Length > 1 && (returnUrl[1] == '/' || returnUrl[1] == '\\')) || returnUrl.Any(char.IsControl))
        {
            return "/";
        }

        var query = returnUrl.IndexOf('?');
        var path = new PathString(query < 0 ? returnUrl : returnUrl[..query]);
        var queryString = query < 0 ? QueryString.Empty : QueryString.Create(QueryHelpers.ParseQuery(returnUrl[query..]));
        return path.ToUriComponent() + queryString.ToUriComponent();
    }

    /// <summary>
    /// The framework's Accept-Language provider tries only the first entries (five by default) and reads
    /// <c>de;q=0</c> ("not German") as a wish for German. This one reads the whole header as the framework
    /// parses it (Kestrel already bounds its size), drops what the client refuses and keeps the quality order.
    /// </summary>
    internal sealed class AcceptLanguageProvider : AcceptLanguageHeaderRequestCultureProvider
    {
        public override Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext)
        {
            var wanted = httpContext.Request.GetTypedHeaders().AcceptLanguage
                .Where(entry => entry.Quality is not 0)
                .OrderByDescending(entry => entry, StringWithQualityHeaderValueComparer.QualityComparer)
                .Select(entry => entry.Value)
                .ToList();
            return Task.FromResult(wanted.Count == 0 ? null : new ProviderCultureResult(wanted));
        }
    }

    /// <summary>
    /// Reads each requested culture as the supported one with the same language, so that de-AT is
    /// German, zh-TW and zh-Hans-CN are Chinese and pt-PT is Portuguese, which parent-culture
    /// fallback alone does not do (zh-TW's parent is zh-Hant, not zh-CN).
    /// </summary>
    internal sealed class SameLanguageProvider(RequestCultureProvider inner) : RequestCultureProvider
    {
        public RequestCultureProvider Inner => inner;

        public override async Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext)
        {
            var result = await inner.DetermineProviderCultureResult(httpContext);
            if (result is null)
            {
                return null;
            }

            var cultures = result.UICultures.Select(SupportedFor).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            return cultures.Count == 0 ? null : new ProviderCultureResult(cultures.Select(c => new Microsoft.Extensions.Primitives.StringSegment(c)).ToList());
        }

        private static string? SupportedFor(Microsoft.Extensions.Primitives.StringSegment requested)
        {
            try
            {
                var language = CultureInfo.GetCultureInfo(requested.ToString()).TwoLetterISOLanguageName;
                return Supported.FirstOrDefault(c => c.TwoLetterISOLanguageName == language)?.Name;
            }
            catch (CultureNotFoundException)
            {
                return null;
            }
        }
    }
}
