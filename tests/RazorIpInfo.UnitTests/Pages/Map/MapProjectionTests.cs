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
