using System.Text.RegularExpressions;
using AngleSharp.Dom;
using RazorIpInfo.Tests.Infrastructure;

namespace RazorIpInfo.Tests.Protection;

/// <summary>
/// Nothing on the page makes the browser contact another host: every address it loads by itself
/// (scripts, styles, images, the map's outline, url() in the stylesheet, form targets) is on this site.
/// Links a visitor may choose to follow (the provider's credit, the database licence) are not requests.
/// </summary>
public sealed partial class NoThirdPartyRequestsTests : IDisposable
{
    private readonly IpApiEmulator upstream = IpApiEmulator.Start();

    public void Dispose() => upstream.Dispose();

    /// <summary>Attributes whose URL the browser fetches, or sends the visitor to without a click on a link.</summary>
    private static readonly string[] LoadingAttributes = ["src", "srcset", "href", "xlink:href", "action", "formaction", "poster", "data", "background"];

    [Theory]
    [InlineData("/")]
    [InlineData("/?ip=8.8.8.8")]
    [InlineData("/?ip=2001:4860:4860::8888")]
    [InlineData("/?ip=192.168.1.1")]
    [InlineData("/?ip=not-an-address")]
    public async Task EveryUrlThePageLoadsIsOnThisSite(string url)
    {
        await using var app = new RazorIpInfoFactory(upstream);
        var client = app.CreateClientFor("8.8.8.8");

        var page = await Html.ParseAsync(await client.GetAsync(url));

        var loaded = new List<string>();
        foreach (var element in page.All.Where(element => element.LocalName != "a"))
        {
            loaded.AddRange(LoadingAttributes.Select(element.GetAttribute).OfType<string>()
                .SelectMany(value => value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)));
        }

        Assert.Contains(loaded, value => value.StartsWith("/css/", StringComparison.Ordinal));
        foreach (var stylesheet in loaded.Where(value => value.Contains(".css", StringComparison.Ordinal)).ToList())
        {
            var css = await client.GetStringAsync(stylesheet);
            loaded.AddRange(CssUrl().Matches(css).Select(match => match.Groups["url"].Value));
        }

        foreach (var svg in loaded.Where(value => value.Contains(".svg", StringComparison.Ordinal)).ToList())
        {
            var body = await client.GetStringAsync(svg.Split('#')[0]);
            loaded.AddRange(SvgReference().Matches(body).Select(match => match.Groups["url"].Value));
        }

        Assert.All(loaded, value => Assert.False(IsOtherHost(value), $"{url} loads {value}"));
        Assert.Empty(page.QuerySelectorAll("[style], style, script:not([src]), iframe, object, embed"));
        Assert.Empty(page.QuerySelectorAll("meta[http-equiv=refresh i]"));
    }

    /// <summary>
    /// Absolute (scheme:) or scheme-relative (//host) addresses; data: is allowed by the site's own
    /// policy but the page needs none either.
    /// </summary>
    private static bool IsOtherHost(string value) =>
        value.StartsWith("//", StringComparison.Ordinal) || Scheme().IsMatch(value);

    [GeneratedRegex(@"url\(\s*['""]?(?<url>[^'"")]+)")]
    private static partial Regex CssUrl();

    // href/xlink:href and url(); an SVG's own xmlns is a name, never fetched.
    [GeneratedRegex(@"(?:\bhref\s*=\s*[""'](?<url>[^""']+))|(?:url\(\s*['""]?(?<url>[^'"")]+))")]
    private static partial Regex SvgReference();

    [GeneratedRegex(@"^[a-zA-Z][a-zA-Z0-9+.\-]*:")]
    private static partial Regex Scheme();
}
