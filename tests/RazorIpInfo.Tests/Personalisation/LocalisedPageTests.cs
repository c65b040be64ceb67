using System.Globalization;
using RazorIpInfo.Tests.Infrastructure;

namespace RazorIpInfo.Tests.Personalisation;

/// <summary>Nothing here changes the site: one site for the class (<see cref="SharedSite"/>).</summary>
public sealed class LocalisedPageTests(SharedSite site) : IClassFixture<SharedSite>
{
    [Fact]
    public async Task GermanVisitorSeesGermanLabelsAndTheUpstreamIsAskedInGerman()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/?ip=8.8.8.8");
        request.Headers.Add("Accept-Language", "de");

        var page = await Html.ParseAsync(await site.App.CreateClient().SendAsync(request));

        var facts = page.Facts();
        Assert.Equal("Ashburn", facts["Stadt"]);
        Assert.Equal("United States (US)", facts["Land"]);
        Assert.Equal("Hosting oder Rechenzentrum", facts["Netzwerk"]);
        Assert.Contains("Ortszeit", facts.Keys);
        Assert.Equal("Wie lautet meine IP?", page.QuerySelector("h1")!.TextContent.Trim());
        Assert.Equal("Nachschlagen", page.QuerySelector("form.lookup button .when-idle")!.TextContent.Trim());
        // The class shares one site and its cache: the German answer may have been asked for by an earlier test,
        // but it was asked for in German.
        Assert.Contains(site.Upstream.Requests, r => r.RequestMessage!.Path == IpApiEmulator.PathFor("8.8.8.8") && r.RequestMessage.Query!["lang"].Single() == "de");
    }

    public static TheoryData<string, string> Coordinates => new()
    {
        { "en", "39.0300, -77.5000" },
        { "de", "39,0300; -77,5000" },
        { "fr", "39,0300; -77,5000" },
        { "ja", "39.0300, -77.5000" },
    };

    [Theory]
    [MemberData(nameof(Coordinates))]
    public async Task CoordinatesAreWrittenTheCulturesWay(string language, string coordinates)
    {
        var page = await site.App.CreateClient().GetDocumentAsync("/?ip=8.8.8.8&culture=" + language);

        Assert.Equal(coordinates, page.Card().QuerySelector(".fact a[href*=openstreetmap]")!.TextContent.Trim());
    }

    [Theory]
    [InlineData("de")]
    [InlineData("ja")]
    [InlineData("ru")]
    public async Task LocalTimeIsWrittenTheCulturesWay(string language)
    {
        var page = await site.App.CreateClient().GetDocumentAsync("/?ip=8.8.8.8&culture=" + language);

        var time = page.Card().QuerySelector(".fact time")!;
        var local = DateTimeOffset.Parse(time.GetAttribute("datetime")!, CultureInfo.InvariantCulture);
        var culture = CultureInfo.GetCultureInfo(language);
        Assert.Equal(string.Format(culture, "{0:ddd} {0:t}", local), time.TextContent.Trim());
    }

    [Fact]
    public async Task TranslatedTextIsSentAsUtf8RatherThanNumericEntities()
    {
        // The raw markup on purpose: a parser would hide whether "Страна" travelled as text or as &#x421;….
        var html = await site.App.CreateClient().GetStringAsync("/?ip=8.8.8.8&culture=ru");

        Assert.Contains("<dt>Страна</dt>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ErrorPageSpeaksTheVisitorsLanguage()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/no-such-page");
        request.Headers.Add("Accept-Language", "fr");

        var page = await Html.ParseAsync(await site.App.CreateClient().SendAsync(request));

        Assert.Equal("Page introuvable", page.QuerySelector("h1")!.TextContent.Trim());
        Assert.Equal("fr", page.DocumentElement.GetAttribute("lang"));
    }

    [Theory]
    [InlineData("de")]
    [InlineData("es")]
    [InlineData("fr")]
    [InlineData("ja")]
    [InlineData("pt-BR")]
    [InlineData("ru")]
    [InlineData("zh-CN")]
    public async Task NoEnglishLabelIsLeftOnTheTranslatedPage(string language)
    {
        var english = (await site.App.CreateClient().GetDocumentAsync("/?ip=8.8.8.8&culture=en")).Facts().Keys
            .Where(label => label is not ("AS" or "ISP" or "Organisation" or "Region"));

        var translated = await site.App.CreateClient().GetDocumentAsync("/?ip=8.8.8.8&culture=" + language);

        Assert.Empty(english.Intersect(translated.Facts().Keys));
        Assert.NotEqual("What is my IP?", translated.QuerySelector("h1")!.TextContent.Trim());
    }
}
