using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace RazorIpInfo.Personalisation;

public enum LanguageSource
{
    Default,
    QueryString,
    Cookie,
    AcceptLanguage,
}

/// <summary>
/// What the server made of this request, for the "What the server sees" panel. It holds only the
/// headers named here: never cookies, Authorization or anything else a visitor would not want echoed.
/// </summary>
public sealed record ServerView(
    string? UserAgent,
    string? AcceptLanguage,
    CultureInfo Language,
    LanguageSource LanguageSource,
    string Protocol,
    ForwardingView? Forwarding)
{
    public static ServerView From(HttpContext context)
    {
        var culture = context.Features.Get<IRequestCultureFeature>();
        var provider = culture?.Provider is Languages.SameLanguageProvider aliasing ? aliasing.Inner : culture?.Provider;
        var source = provider switch
        {
            QueryStringRequestCultureProvider => LanguageSource.QueryString,
            CookieRequestCultureProvider => LanguageSource.Cookie,
            AcceptLanguageHeaderRequestCultureProvider => LanguageSource.AcceptLanguage,
            _ => LanguageSource.Default,
        };

        return new ServerView(
            NullIfEmpty(context.Request.Headers.UserAgent.ToString()),
            NullIfEmpty(context.Request.Headers.AcceptLanguage.ToString()),
            culture?.RequestCulture.UICulture ?? CultureInfo.CurrentUICulture,
            source,
            context.Request.Protocol,
            context.Features.Get<ForwardingRecord>()?.Interpret(context));
    }

    /// <summary>Longer than any real browser's User-Agent; the panel cuts what is longer rather than echo it.</summary>
    public const int ShownHeaderLength = 512;

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : ForwardingRecord.Shorten(value, ShownHeaderLength);
}
