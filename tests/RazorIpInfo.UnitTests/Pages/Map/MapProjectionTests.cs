using System.Globalization;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RazorIpInfo.Lookup;
using RazorIpInfo.Pages.Map;
using RazorIpInfo.Resources;

namespace RazorIpInfo.UnitTests.Pages.Map;

/// <summary>Where a marker lands on the world map, and when there is no map at all.</summary>
public sealed class MapProjectionTests
{
    /// <summary>
    /// Half a viewBox unit: the card draws the map at most about 700 px wide, two pixels a degree, so
    /// this is within a pixel on screen.
    /// </summary>
    private const double Tolerance = 0.5;

    public static TheoryData<string, double, double, double, double> KnownPlaces => new()
    {
        { "null island, where the equator meets Greenwich", 0, 0, 180, 90 },
        { "London", 51.5, -0.1, 179.9, 38.5 },
        { "Sydney", -33.9, 151.2, 331.2, 123.9 },
        { "the North Pole, on the top edge", 90, 0, 180, 0 },
        { "the South Pole, on the bottom edge", -90, 0, 180, 180 },
        { "the date line from the east, on the right edge", 0, 180, 360, 90 },
        { "the date line from the west, on the left edge", 0, -180, 0, 90 },
        { "Mountain View", 37.4, -122.1, 57.9, 52.6 },
    };

    [Theory]
    [MemberData(nameof(KnownPlaces))]
    public void KnownCoordinatesLandWhereTheyShould(string place, double latitude, double longitude, double x, double y)
    {
        var point = MapProjection.Project(latitude, longitude);

        Assert.NotNull(point);
        Assert.True(Math.Abs(point.Value.X - x) <= Tolerance, $"{place}: x is {point.Value.X}, expected {x}");
        Assert.True(Math.Abs(point.Value.Y - y) <= Tolerance, $"{place}: y is {point.Value.Y}, expected {y}");
    }

    public static TheoryData<double, double, double, double> PastTheEdge => new()
    {
        { 90.0001, 0, 180, 0 },
        { 999, 0, 180, 0 },
        { -999, 0, 180, 180 },
        { 0, 180.5, 360, 90 },
        { 0, -1e308, 0, 90 },
        { 1e308, 1e308, 360, 0 },
    };

    [Theory]
    [MemberData(nameof(PastTheEdge))]
    public void CoordinatesPastTheEdgeAreHeldOnTheMap(double latitude, double longitude, double x, double y)
    {
        var point = MapProjection.Project(latitude, longitude);

        Assert.Equal(new MapPoint(x, y), point);
    }

    public static TheoryData<double?, double?> Unusable => new()
    {
        { null, null },
        { 51.5, null },
        { null, -0.1 },
        { double.NaN, 0 },
        { 0, double.NaN },
        { double.PositiveInfinity, 0 },
        { 0, double.NegativeInfinity },
    };

    [Theory]
    [MemberData(nameof(Unusable))]
    public void MissingOrNonNumericCoordinatesGiveNoMap(double? latitude, double? longitude)
    {
        Assert.Null(MapProjection.Project(latitude, longitude));
        Assert.Null(WorldMap.For(Info(latitude, longitude), Text()));
    }

    [Fact]
    public void OneAddressIsOneMarkerNamedAfterItsCityAndCountry()
    {
        using var culture = new CultureSwitch("en");

        var map = WorldMap.For(Info(37.422, -122.085) with { City = "Mountain View", Region = "California", Country = "United States" }, Text());

        Assert.NotNull(map);
        Assert.True(map.IsSingle);
        Assert.Equal("Map: marker near Mountain View, United States", map.Label);
    }

    [Fact]
    public void WithoutPlaceNamesTheLabelGivesTheCoordinates()
    {
        using var culture = new CultureSwitch("en");

        var map = WorldMap.For(Info(-33.9, 151.2), Text());

        Assert.Equal("Map: marker at -33.9000, 151.2000", map!.Label);
    }

    [Fact]
    public void ManyAddressesAreADotEachAndAddressesAtOneSpotShareOne()
    {
        using var culture = new CultureSwitch("en");
        var infos = new[]
        {
            Info(51.5142, -0.0931),
            Info(51.5, -0.1),
            Info(-33.9, 151.2),
            Info(null, null),
            Info(39.03, -77.5),
        };

        var map = WorldMap.For(infos, Text());

        Assert.NotNull(map);
        Assert.False(map.IsSingle);
        Assert.Equal(3, map.Points.Count);
        Assert.Equal("Map: 3 markers", map.Label);
    }

    [Fact]
    public void ManyAddressesWithoutCoordinatesGiveNoMap()
    {
        Assert.Null(WorldMap.For([Info(null, null), Info(double.NaN, 1)], Text()));
        Assert.Null(WorldMap.For([], Text()));
    }

    [Theory]
    [InlineData("en")]
    [InlineData("de")]
    [InlineData("fr")]
    [InlineData("ru")]
    public void AttributesAreWrittenTheSameInEveryLanguage(string language)
    {
        using var culture = new CultureSwitch(language);

        Assert.Equal("102.5", WorldMap.Attribute(102.5));
        Assert.Equal("51", WorldMap.Attribute(50.97));
        Assert.Equal("0", WorldMap.Attribute(0));
    }

    public static TheoryData<string, double, double, double, double> Regions => new()
    {
        { "Berlin, centred", 52.5, 13.4, 181.4, 31.5 },
        { "Quito, on the equator, centred", -0.2, -78.5, 89.5, 84.2 },
        { "near the North Pole: held at the top edge", 89, 10, 178, 0 },
        { "north of Svalbard: the view stops at the top", 85, 15.6, 183.6, 0 },
        { "near the South Pole: held at the bottom edge", -89, 10, 178, 168 },
        { "Suva: crosses the antimeridian eastwards", -18.1, 178.4, 346.4, 102.1 },
        { "Chukotka east of 180°: crosses it westwards", 66.2, -169.8, -1.8, 17.8 },
        { "on the antimeridian itself", 0, 180, 348, 84 },
    };

    /// <summary>
    /// The regional view is 24 × 12 degrees around the point: held inside the map at the poles, centred and
    /// crossing the antimeridian at the date line rather than cutting the place in two.
    /// </summary>
    [Theory]
    [MemberData(nameof(Regions))]
    public void TheRegionalViewIsAroundThePointHeldAtThePolesAndCrossingTheAntimeridian(string place, double latitude, double longitude, double left, double top)
    {
        var view = MapProjection.Region(MapProjection.Project(latitude, longitude)!.Value);

        Assert.True(Math.Abs(view.Left - left) < 0.01 && Math.Abs(view.Top - top) < 0.01, $"{place}: the view starts at {view.Left}, {view.Top}");
        Assert.Equal((24, 12), (view.Width, view.Height));
        Assert.InRange(view.Top, 0, 168);
    }

    [Fact]
    public void ACityIsShownInItsRegionWithItsCountryOutlinedAndTheLandUnderIt()
    {
        var map = WorldMap.For(Info(52.52, 13.40) with { City = "Berlin", CountryCode = "DE" }, Text())!;

        Assert.True(map.IsRegional);
        Assert.Equal("181.4 31.5 24 12", map.View.ViewBox);
        Assert.Equal([new MapLayer("img/countries/de.svg", 0)], map.Country);
        // 181.4–205.4 by 31.5–43.5: all inside the square from 180 to 210 by 30 to 60.
        Assert.Equal([new MapLayer("img/land/6-1.svg", 0)], map.Land);
        Assert.Equal(24.0 / 72, map.MarkerRadius, 3);
    }

    [Theory]
    [InlineData("MT", 35.91, 14.42, 6)]
    [InlineData("SG", 1.35, 103.82, 6)]
    [InlineData("DE", 52.52, 13.40, 24)]
    [InlineData("FJ", -18.1, 178.4, 24)]
    public void ACountryOfAFewDegreesIsShownCloserSoItIsNotHiddenUnderTheMarker(string country, double latitude, double longitude, double width)
    {
        var map = WorldMap.For(Info(latitude, longitude) with { City = "A city", CountryCode = country }, Text())!;

        Assert.Equal((width, width / 2), (map.View.Width, map.View.Height));
        Assert.Single(map.Country);
    }

    public static TheoryData<string, double, double, string, double> AcrossTheAntimeridian => new()
    {
        { "Suva, Fiji: the land east of 180° is a world to the right", -18.1, 178.4, "FJ", 0 },
        { "Uelen, Russia, east of 180°: Russia is drawn a world to the left", 66.16, -169.8, "RU", -360 },
        { "Anadyr, Russia, west of 180°", 64.7, 177.5, "RU", 0 },
    };

    [Theory]
    [MemberData(nameof(AcrossTheAntimeridian))]
    public void AcrossTheAntimeridianTheLandAndTheCountryAreDrawnWhereTheViewLooks(string place, double latitude, double longitude, string country, double offset)
    {
        var map = WorldMap.For(Info(latitude, longitude) with { City = place, CountryCode = country }, Text())!;

        Assert.Equal([new MapLayer($"img/countries/{country.ToLowerInvariant()}.svg", offset)], map.Country);
        // Land squares on both sides of the date line, the far side's shifted by a world.
        Assert.Contains(map.Land, layer => layer.OffsetX != 0);
        Assert.Contains(map.Land, layer => layer.OffsetX == 0);
    }

    public static TheoryData<string, string?, string?> Coarse => new()
    {
        { "no city: a country's middle", null, "DE" },
        { "an empty city", "", "DE" },
        { "a blank city", "  ", "DE" },
    };

    [Theory]
    [MemberData(nameof(Coarse))]
    public void ACoarseLocationIsShownOnTheWorldWithItsCountryOutlined(string why, string? city, string? country)
    {
        var map = WorldMap.For(Info(51, 9) with { City = city, CountryCode = country }, Text())!;

        Assert.False(map.IsRegional, why);
        Assert.Equal(MapProjection.ViewBox, map.View.ViewBox);
        Assert.Equal([new MapLayer(MapAssets.World, 0)], map.Land);
        Assert.Equal([new MapLayer("img/countries/de.svg", 0)], map.Country);
        Assert.Equal(5, map.MarkerRadius);
    }

    public static TheoryData<string, string?> NoOutline => new()
    {
        { "no country", null },
        { "a code no one has", "ZZ" },
        { "a path, not a code", "../../appsettings" },
        { "a dot and a slash", "./" },
        { "a country the point is not in (Berlin named as Japan)", "JP" },
    };

    [Theory]
    [MemberData(nameof(NoOutline))]
    public void ACountryThatIsUnknownOrDisagreesWithThePointIsNotOutlined(string why, string? country)
    {
        var map = WorldMap.For(Info(52.52, 13.40) with { City = "Berlin", CountryCode = country }, Text())!;

        Assert.True(map.IsRegional, why);
        Assert.Empty(map.Country);
        Assert.NotEmpty(map.Land);
    }

    [Fact]
    public void AtSeaTheRegionalViewHasNoLandToFetch()
    {
        // The South Pacific at 40° S, 125° W: neither square the view touches (150–90° W, 30–60° S) holds land.
        var map = WorldMap.For(Info(-40, -125) with { City = "Nowhere" }, Text())!;

        Assert.True(map.IsRegional);
        Assert.Empty(map.Land);
    }

    private static IpInfo Info(double? latitude, double? longitude) => new()
    {
        Address = "192.0.2.1",
        Latitude = latitude,
        Longitude = longitude,
        Provider = "test",
        FetchedAt = DateTimeOffset.UnixEpoch,
    };

    private static StringLocalizer<SharedResource> Text() =>
        new StringLocalizer<SharedResource>(new ResourceManagerStringLocalizerFactory(
            Options.Create(new LocalizationOptions()), NullLoggerFactory.Instance));

    private sealed class CultureSwitch : IDisposable
    {
        private readonly CultureInfo culture = CultureInfo.CurrentCulture;
        private readonly CultureInfo uiCulture = CultureInfo.CurrentUICulture;

        public CultureSwitch(string name) =>
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(name);

        public void Dispose()
        {
            CultureInfo.CurrentCulture = culture;
            CultureInfo.CurrentUICulture = uiCulture;
        }
    }
}
