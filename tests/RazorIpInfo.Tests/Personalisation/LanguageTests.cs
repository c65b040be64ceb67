using System.Net;
using RazorIpInfo.Tests.Infrastructure;

namespace RazorIpInfo.Tests.Personalisation;

/// <summary>
/// Nothing here changes the site: one site for the class (<see cref="SharedSite"/>). Its cache keeps an answer per
/// language, so a test finds the upstream asked in its language by itself or by an earlier test, never in another.
/// </summary>
public sealed class LanguageTests(SharedSite site) : IClassFixture<SharedSite>
{
    public static TheoryData<string?, string> AcceptLanguages => new()
    {
        // Accept-Language, the language chosen (and asked of the upstream)
        { null, "en" },
        { "de", "de" },
        { "de-AT", "de" },
        { "de-CH,de;q=0.9,en;q=0.8", "de" },
        { "fr-CA", "fr" },
        { "es-MX", "es" },
        { "ja-JP", "ja" },
        { "ru", "ru" },
        { "zh-CN", "zh-CN" },
        { "zh-Hans-CN", "zh-CN" },
        { "zh-TW", "zh-CN" },
        { "zh", "zh-CN" },
        { "pt", "pt-BR" },
        { "pt-PT", "pt-BR" },
        { "pt-BR", "pt-BR" },
        { "nl-NL", "en" },
        { "xx-unknown", "en" },
        { "nl, fr;q=0.5", "fr" },
        { "en;q=0.1, ja;q=0.9", "ja" },
        { "*", "en" },
    };

    [Theory]
    [MemberData(nameof(AcceptLanguages))]
    public async Task AcceptLanguagePicksOneOfTheUpstreamsLanguages(string? acceptLanguage, string language)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/?ip=8.8.8.8");
        if (acceptLanguage is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Language", acceptLanguage);
        }

        var response = await site.App.CreateClient().SendAsync(request);
        var page = await Html.ParseAsync(response);

        Assert.Equal(language, page.DocumentElement.GetAttribute("lang"));
        Assert.Equal([language], response.Content.Headers.ContentLanguage);
        Assert.Contains("Accept-Language", response.Headers.Vary);
        AssertAskedIn(language, "8.8.8.8");
    }

    [Fact]
    public async Task CultureInTheQueryStringOverridesAcceptLanguage()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/?ip=8.8.8.8&culture=ja");
        request.Headers.Add("Accept-Language", "de");

        var page = await Html.ParseAsync(await site.App.CreateClient().SendAsync(request));

        Assert.Equal("ja", page.DocumentElement.GetAttribute("lang"));
        AssertAskedIn("ja", "8.8.8.8");
    }

    [Fact]
    public async Task SwitcherLinkRemembersTheLanguageAndReturnsToThePage()
    {
        using var client = NoRedirects();
        client.DefaultRequestHeaders.Add("Accept-Language", "de");

        var page = await client.GetDocumentAsync("/?ip=8.8.8.8");
        var link = page.QuerySelector("nav.languages a[hreflang=fr]")!.GetAttribute("href")!;
        var switched = await client.GetAsync(link);
        var after = await client.GetAsync(switched.Headers.Location);

        Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);
        Assert.Equal("/?ip=8.8.8.8", switched.Headers.Location!.OriginalString);
        Assert.Equal("fr", (await Html.ParseAsync(after)).DocumentElement.GetAttribute("lang"));
        Assert.Equal("true", (await Html.ParseAsync(after)).QuerySelector("nav.languages a[hreflang=fr]")!.GetAttribute("aria-current"));
    }

    [Theory]
    [InlineData("/language/fr?returnUrl=https://evil.example/", "/")]
    [InlineData("/language/fr?returnUrl=//evil.example/", "/")]
    [InlineData("/language/fr?returnUrl=/%5Cevil.example/", "/")]
    [InlineData("/language/fr", "/")]
    public async Task SwitcherOnlyReturnsToThisSite(string url, string location)
    {
        using var client = NoRedirects();

        var response = await client.GetAsync(url);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(location, response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task SwitcherRefusesALanguageWeDoNotHave()
    {
        var response = await site.App.CreateClient().GetAsync("/language/nl");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task SwitcherOffersEveryLanguageAsAPlainLink()
    {
        var page = await site.App.CreateClient().GetDocumentAsync("/?ip=8.8.8.8");

        Assert.Equal(["en", "de", "es", "fr", "ja", "pt-BR", "ru", "zh-CN"],
            page.QuerySelectorAll("nav.languages a").Select(a => a.GetAttribute("hreflang")));
    }

    [Fact]
    public async Task TextEndpointsAskTheUpstreamInTheChosenLanguage()
    {
        // An address no other test here looks up: the answer cannot come from the shared cache.
        site.Upstream.Answer("8.8.4.4", IpApiEmulator.Samples.Anywhere("8.8.4.4"));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/country?ip=8.8.4.4");
        request.Headers.Add("Accept-Language", "ru");

        await site.App.CreateClient().SendAsync(request);

        Assert.Equal("ru", Assert.Single(site.Upstream.Requests, r => r.RequestMessage!.Path == IpApiEmulator.PathFor("8.8.4.4")).RequestMessage!.Query!["lang"].Single());
    }

    /// <summary>
    /// A client of the shared site that shows a redirect instead of following it: the factory's own client options
    /// are not applied to a site on Kestrel (it followed the switch's redirect and got the page's 200).
    /// </summary>
    private HttpClient NoRedirects() =>
        new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = site.Client.BaseAddress };

    private void AssertAskedIn(string language, string address) =>
        Assert.Contains(site.Upstream.Requests, r => r.RequestMessage!.Path == IpApiEmulator.PathFor(address) && r.RequestMessage.Query!["lang"].Single() == language);
}
