using System.Net;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using AngleSharp.Dom;
using RazorIpInfo.Pages.Map;
using RazorIpInfo.Tests.Infrastructure;
using WireMock.ResponseBuilders;

namespace RazorIpInfo.Tests.Pages.Map;

/// <summary>
/// The map in the card as the server renders it, the outline it draws on, and what the page loads. One site for
/// the class: each test scripts an address of its own (<see cref="address"/>), so no answer is cached for another.
/// </summary>
public sealed partial class MapPageTests(SharedSite site) : IClassFixture<SharedSite>
{
    private static int addresses;

    /// <summary>This test's own public address, one no other test in the class asks about.</summary>
    private readonly string address = NextAddress();

    private static string NextAddress()
    {
        var n = Interlocked.Increment(ref addresses);
        return $"9.9.{n / 200}.{n % 200 + 10}";
    }

    private IpApiEmulator upstream => site.Upstream;

    private static IElement Map(IDocument page) =>
        page.Card().QuerySelector("svg.map") ?? throw new Xunit.Sdk.XunitException("The card has no map.");

    private static (double X, double Y) Marker(IElement map)
    {
        var marker = Assert.Single(map.QuerySelectorAll("circle"));
        return (double.Parse(marker.GetAttribute("cx")!, System.Globalization.CultureInfo.InvariantCulture),
                double.Parse(marker.GetAttribute("cy")!, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task TheCardShowsAMarkerAtTheAddressesCoordinatesWithASentenceForScreenReaders()
    {

        var page = await site.Client.GetDocumentAsync("/?ip=8.8.8.8");

        var map = Map(page);
        Assert.Equal("img", map.GetAttribute("role"));
        // A city: the 24 × 12 degrees around it.
        Assert.Equal("90.5 45 24 12", map.GetAttribute("viewBox"));
        Assert.Equal("Map: marker near Ashburn, United States", map.GetAttribute("aria-label"));
        var (x, y) = Marker(map);
        Assert.Equal(102.5, x, 0.1); // 77.5° W
        Assert.Equal(51, y, 0.1); // 39.03° N
    }

    [Fact]
    public async Task InGermanTheSentenceIsGermanAndTheMarkerIsInTheSamePlace()
    {
        using var client = site.App.CreateClient();
        client.DefaultRequestHeaders.Add("Accept-Language", "de");

        var page = await client.GetDocumentAsync("/?ip=8.8.8.8");

        var map = Map(page);
        // The place names are the provider's own (the emulator answers in English); the sentence is ours.
        Assert.Equal("Karte: Markierung in der Nähe von Ashburn, United States", map.GetAttribute("aria-label"));
        Assert.Equal("102.5", map.QuerySelector("circle")!.GetAttribute("cx"));
    }

    [Fact]
    public async Task TheRefreshedOrLookedUpCardThatHtmxSwapsInCarriesItsOwnMap()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/?handler=Card&ip=2001:4860:4860::8888");
        request.Headers.Add("HX-Request", "true");

        var fragment = await Html.ParseAsync(await site.Client.SendAsync(request));

        Assert.Null(fragment.Doctype);
        // htmx takes the fragment's first <title> for the window's: the map must not bring one.
        Assert.Equal(fragment.QuerySelector("body > title"), fragment.QuerySelector("title"));
        var (x, y) = Marker(Map(fragment));
        Assert.Equal(57.9, x, 0.1); // Mountain View, 122.085° W
        Assert.Equal(52.6, y, 0.1); // 37.422° N
    }

    public static TheoryData<string, object> AnswersWithoutUsableCoordinates => new()
    {
        { "no coordinates at all", new { status = "success", country = "Switzerland" } },
        { "latitude only", new { status = "success", lat = 47.0 } },
        { "null coordinates", new { status = "success", lat = (double?)null, lon = (double?)null } },
        { "coordinates as text", new { status = "success", lat = "north", lon = "west" } },
    };

    [Theory]
    [MemberData(nameof(AnswersWithoutUsableCoordinates))]
    public async Task AnAnswerWithoutUsableCoordinatesShowsNoMapAndNeverAServerError(string why, object answer)
    {
        var body = System.Text.Json.JsonSerializer.SerializeToNode(answer)!.AsObject();
        body["query"] = address;
        upstream.Respond(address, Response.Create().WithHeader("Content-Type", "application/json").WithBody(body.ToJsonString()));

        var response = await site.Client.GetAsync("/?ip=" + address);
        var page = await Html.ParseAsync(response);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{why}: {(int)response.StatusCode}");
        Assert.Null(page.QuerySelector("svg.map"));
    }

    [Fact]
    public async Task CoordinatesBeyondTheEdgeOfTheWorldDrawNoMarkerButTheRestOfTheCardStands()
    {
        upstream.Respond(address, Response.Create().WithHeader("Content-Type", "application/json")
            .WithBody($$"""{"status":"success","query":"{{address}}","city":"Nowhere","lat":1e308,"lon":-999}"""));

        var response = await site.Client.GetAsync("/?ip=" + address);
        var page = await Html.ParseAsync(response);

        // A latitude of 1e308 is a lie, not a place: a marker pinned to the map's edge would mislead.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Nowhere", page.Card().TextContent, StringComparison.Ordinal);
        Assert.Null(page.Card().QuerySelector("svg.map"));
    }

    /// <summary>An answer that names no city: a country's middle, which the card shows on the world.</summary>
    private void AnswerCoarsely(string address, double latitude, double longitude) =>
        upstream.Answer(address, new { status = "success", query = address, country = "Switzerland", countryCode = "CH", lat = latitude, lon = longitude });

    private void AnswerWithCity(string address, string city, string countryCode, double latitude, double longitude) =>
        upstream.Answer(address, new { status = "success", query = address, city, countryCode, lat = latitude, lon = longitude });

    /// <summary>A map file as the site serves it to browsers, by the href of a &lt;use&gt; in the card.</summary>
    private static async Task<(XElement Svg, HttpResponseMessage Response)> FileAsync(HttpClient client, IElement use, string element)
    {
        var href = use.GetAttribute("href")!;
        Assert.EndsWith("#" + element, href, StringComparison.Ordinal);
        var response = await client.GetAsync(href[..href.IndexOf('#', StringComparison.Ordinal)]);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (XElement.Parse(await response.Content.ReadAsStringAsync()), response);
    }

    /// <summary>The rings a &lt;use&gt; in the card draws: its file's element, shifted by the use's x.</summary>
    private static async Task<List<List<MapPoint>>> DrawnRingsAsync(HttpClient client, IElement use, string element)
    {
        var (svg, _) = await FileAsync(client, use, element);
        var path = svg.Descendants().Single(e => (string?)e.Attribute("id") == element);
        var offset = double.Parse(use.GetAttribute("x") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        return [.. Rings((string)path.Attribute("d")!).Select(ring => ring.Select(p => p with { X = p.X + offset }).ToList())];
    }

    /// <summary>The world outline the map draws with, through a card that shows the world (a coarse answer).</summary>
    private async Task<(XElement Svg, HttpResponseMessage Response)> LandAsync(HttpClient client)
    {
        AnswerCoarsely(address, 47, 8);
        var page = await client.GetDocumentAsync("/?ip=" + address);
        return await FileAsync(client, Map(page).QuerySelector(".land use")!, "land");
    }

    [Fact]
    public async Task TheOutlineIsServedAsAnSvgImageUnderAVersionedUrl()
    {
        var client = site.Client;

        var (svg, response) = await LandAsync(client);

        Assert.Equal("image/svg+xml", response.Content.Headers.ContentType!.MediaType);
        Assert.Matches(@"^/img/world\.\w+\.svg$", response.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Equal(MapProjection.ViewBox, (string?)svg.Attribute("viewBox"));
    }

    [Fact]
    public async Task ACoarseLocationIsShownOnTheWholeWorldWithItsCountryOutlined()
    {
        AnswerCoarsely(address, 47, 8);
        var client = site.Client;

        var map = Map(await client.GetDocumentAsync("/?ip=" + address));

        Assert.Equal(MapProjection.ViewBox, map.GetAttribute("viewBox"));
        Assert.Contains("map-world", map.ClassList);
        Assert.Matches(@"^/img/world\.\w+\.svg#land$", Assert.Single(map.QuerySelectorAll(".land use")).GetAttribute("href"));
        var country = Assert.Single(map.QuerySelectorAll("use.country"));
        Assert.Matches(@"^/img/countries/ch\.\w+\.svg#country$", country.GetAttribute("href"));
        Assert.True(IsInside(await DrawnRingsAsync(client, country, "country"), new MapPoint(188, 43)), "The marker is not in Switzerland's outline.");
    }

    public static TheoryData<string, string, double, double, string> CitiesAndTheirCountries => new()
    {
        { "Berlin", "DE", 52.52, 13.40, "181.4 31.5 24 12" },
        { "Denver", "US", 39.74, -104.99, "63 44.3 24 12" },
        { "Tokyo", "JP", 35.7, 139.5, "307.5 48.3 24 12" },
        { "São Paulo", "BR", -23.5, -46.6, "121.4 107.5 24 12" },
        { "Mosta, Malta: a small country is shown closer", "MT", 35.91, 14.42, "191.4 52.6 6 3" },
        { "Viti Levu, Fiji, beside the date line", "FJ", -17.8, 178.0, "346 101.8 24 12" },
        { "Chukotka east of the date line", "RU", 66.0, -174.0, "-6 18 24 12" },
    };

    /// <summary>
    /// A city's card shows its region with the named country outlined, both drawn from the site's own
    /// files: the marker falls inside the outline and on the land the view draws, wherever the view
    /// crosses the antimeridian and the files are drawn a world's width over.
    /// </summary>
    [Theory]
    [MemberData(nameof(CitiesAndTheirCountries))]
    public async Task ACitysCardIsZoomedToItsRegionAndOutlinesItsCountry(string city, string country, double latitude, double longitude, string viewBox)
    {
        AnswerWithCity(address, city, country, latitude, longitude);
        var client = site.Client;

        var map = Map(await client.GetDocumentAsync("/?ip=" + address));

        Assert.Equal(viewBox, map.GetAttribute("viewBox"));
        Assert.Contains("map-region", map.ClassList);
        Assert.StartsWith($"Map: marker near {city}", map.GetAttribute("aria-label"), StringComparison.Ordinal);
        var marker = Marker(map);
        var point = new MapPoint(marker.X, marker.Y);
        var outline = Assert.Single(map.QuerySelectorAll("use.country"));
        Assert.Matches($@"^/img/countries/{country.ToLowerInvariant()}\.\w+\.svg#country$", outline.GetAttribute("href"));
        Assert.True(IsInside(await DrawnRingsAsync(client, outline, "country"), point), $"{city} is not inside the outline of {country}.");
        var onLand = false;
        foreach (var square in map.QuerySelectorAll(".land use"))
        {
            Assert.Matches(@"^/img/land/\d+-\d\.\w+\.svg#land$", square.GetAttribute("href"));
            onLand |= IsInside(await DrawnRingsAsync(client, square, "land"), point);
        }

        Assert.True(onLand, $"{city} is not on the land drawn under it.");
    }

    public static TheoryData<string, double, double, bool> LandAndSea => new()
    {
        { "Madrid", 40.4, -3.7, true },
        { "Denver", 39.7, -105.0, true },
        { "Moscow", 55.8, 37.6, true },
        { "Brasília", -15.8, -47.9, true },
        { "Alice Springs", -23.7, 133.9, true },
        { "Kinshasa", -4.3, 15.3, true },
        { "Ulaanbaatar", 47.9, 106.9, true },
        { "Antarctica's interior", -80, 30, true },
        { "Chukotka, just west of the date line", 67, 175, true },
        { "Gulf of Guinea, at 0,0", 0, 0, false },
        { "the middle of the Pacific", 0, -150, false },
        { "the middle of the Atlantic", 30, -40, false },
        { "the Indian Ocean", -30, 80, false },
        { "the Arctic Ocean", 88, 0, false },
    };

    /// <summary>
    /// The committed outline and the server's projection agree: places well inland fall on land, open
    /// ocean on sea. A different projection or a shifted or flipped outline fails here.
    /// </summary>
    [Theory]
    [MemberData(nameof(LandAndSea))]
    public async Task TheOutlineAndTheMarkersUseTheSameProjection(string place, double latitude, double longitude, bool land)
    {
        var (svg, _) = await LandAsync(site.Client);
        var path = svg.Descendants().Single(element => (string?)element.Attribute("id") == "land");
        var point = MapProjection.Project(latitude, longitude)!.Value;

        Assert.True(land == IsInside(Rings((string)path.Attribute("d")!), point), $"{place} should be on {(land ? "land" : "sea")}.");
    }

    /// <summary>The same places on the regional view's land squares, as a city-level card draws them.</summary>
    [Theory]
    [MemberData(nameof(LandAndSea))]
    public async Task TheRegionalLandAndTheMarkersUseTheSameProjection(string place, double latitude, double longitude, bool land)
    {
        AnswerWithCity(address, place, "ZZ", latitude, longitude);
        var client = site.Client;
        var map = Map(await client.GetDocumentAsync("/?ip=" + address));
        var marker = Marker(map);

        // Square by square: neighbours overlap by a fraction of a degree, and a point in both is on land in each.
        var onLand = false;
        foreach (var square in map.QuerySelectorAll(".land use"))
        {
            onLand |= IsInside(await DrawnRingsAsync(client, square, "land"), new MapPoint(marker.X, marker.Y));
        }

        Assert.Contains("map-region", map.ClassList);
        Assert.True(land == onLand, $"{place} should be on {(land ? "land" : "sea")}.");
    }

    /// <summary>A path's rings: an absolute M, then relative l moves, closed by z (what the build script writes, in whole degrees or tenths).</summary>
    private static List<List<MapPoint>> Rings(string d)
    {
        var rings = new List<List<MapPoint>>();
        foreach (Match ring in RingPattern().Matches(d))
        {
            var numbers = NumberPattern().Matches(ring.Value).Select(n => double.Parse(n.Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
            var points = new List<MapPoint> { new(numbers[0], numbers[1]) };
            for (var i = 2; i + 1 < numbers.Count; i += 2)
            {
                points.Add(new MapPoint(points[^1].X + numbers[i], points[^1].Y + numbers[i + 1]));
            }

            rings.Add(points);
        }

        Assert.NotEmpty(rings);
        return rings;
    }

    /// <summary>Even–odd ray casting over every ring.</summary>
    private static bool IsInside(List<List<MapPoint>> rings, MapPoint point)
    {
        var inside = false;
        foreach (var ring in rings)
        {
            for (int i = 0, j = ring.Count - 1; i < ring.Count; j = i++)
            {
                var (a, b) = (ring[i], ring[j]);
                if ((a.Y > point.Y) != (b.Y > point.Y) && point.X < ((b.X - a.X) * (point.Y - a.Y) / (b.Y - a.Y)) + a.X)
                {
                    inside = !inside;
                }
            }
        }

        return inside;
    }

    [GeneratedRegex(@"M[^Mz]*z")]
    private static partial Regex RingPattern();

    [GeneratedRegex(@"-?(\d+(\.\d*)?|\.\d+)")]
    private static partial Regex NumberPattern();
}
