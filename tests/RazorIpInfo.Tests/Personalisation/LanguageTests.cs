using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using RazorIpInfo.Tests.Infrastructure;

namespace RazorIpInfo.Tests.Personalisation;

public sealed class LanguageTests : EmulatedUpstreamTests
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
        await using var app = new RazorIpInfoFactory(Upstream);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/?ip=8.8.8.8");
        if (acceptLanguage is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Language", acceptLanguage);
        }

        var response = await app.CreateClient().SendAsync(request);
        var page = await Html.ParseAsync(response);

        Assert.Equal(language, page.DocumentElement.GetAttribute("lang"));
        Assert.Equal([language], response.Content.Headers.ContentLanguage);
        Assert.Contains("Accept-Language", response.Headers.Vary);
        Assert.Equal(language, Upstream.Requests[^1].RequestMessage!.Query!["lang"].Single());
    }

    [Fact]
    public async Task CultureInTheQueryStringOverridesAcceptLanguage()
    {
        await using var app = new RazorIpInfoFactory(Upstream);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/?ip=8.8.8.8&culture=ja");
        request.Headers.Add("Accept-Language", "de");

        var page = await Html.ParseAsync(await app.CreateClient().SendAsync(request));

        Assert.Equal("ja", page.DocumentElement.GetAttribute("lang"));
        Assert.Equal("ja", Upstream.Requests[^1].RequestMessage!.Query!["lang"].Single());
    }

    [Fact]
    public async Task SwitcherLinkRemembersTheLanguageAndReturnsToThePage()
    {
        await using var app = new RazorIpInfoFactory(Upstream);
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
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
        await using var app = new RazorIpInfoFactory(Upstream);
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await client.GetAsync(url);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(location, response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task SwitcherRefusesALanguageWeDoNotHave()
    {
        await using var app = new RazorIpInfoFactory(Upstream);

        var response = await app.CreateClient().GetAsync("/language/nl");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task SwitcherOffersEveryLanguageAsAPlainLink()
    {
        await using var app = new RazorIpInfoFactory(Upstream);

        var page = await app.CreateClient().GetDocumentAsync("/?ip=8.8.8.8");

        Assert.Equal(["en", "de", "es", "fr", "ja", "pt-BR", "ru", "zh-CN"],
            page.QuerySelectorAll("nav.languages a").Select(a => a.GetAttribute("hreflang")));
    }

    [Fact]
    public async Task TextEndpointsAskTheUpstreamInTheChosenLanguage()
    {
        await using var app = new RazorIpInfoFactory(Upstream);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/country?ip=8.8.8.8");
        request.Headers.Add("Accept-Language", "ru");

        await app.CreateClient().SendAsync(request);

        Assert.Equal("ru", Upstream.Requests[^1].RequestMessage!.Query!["lang"].Single());
    }
}
