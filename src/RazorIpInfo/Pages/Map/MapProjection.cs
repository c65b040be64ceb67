namespace RazorIpInfo.Pages.Map;

/// <summary>A position on the world map, in the units of its viewBox.</summary>
public readonly record struct MapPoint(double X, double Y);

/// <summary>
/// A rectangle in viewBox units: the part of the map a card shows, or a country's box. Left and Right
/// may pass 0 or 360 where it crosses the antimeridian.
/// </summary>
public readonly record struct MapBox(double Left, double Top, double Right, double Bottom)
{
    public double Width => Right - Left;

    public double Height => Bottom - Top;

    /// <summary>The box as an SVG viewBox attribute.</summary>
    public string ViewBox => $"{WorldMap.Attribute(Left)} {WorldMap.Attribute(Top)} {WorldMap.Attribute(Width)} {WorldMap.Attribute(Height)}";

    public MapBox Shift(double x) => new(Left + x, Top, Right + x, Bottom);

    public bool Intersects(MapBox other) =>
        Left < other.Right && other.Left < Right && Top < other.Bottom && other.Top < Bottom;

    /// <summary>Whether the point, or the same place one world to either side, is within <paramref name="slack"/> of the box.</summary>
    public bool Contains(MapPoint point, double slack) =>
        point.Y >= Top - slack && point.Y <= Bottom + slack &&
        (Across(point.X, slack) || Across(point.X - 360, slack) || Across(point.X + 360, slack));

    private bool Across(double x, double slack) => x >= Left - slack && x <= Right + slack;
}

/// <summary>
/// Where a latitude and longitude fall on the world map: equirectangular (plate carrée), one viewBox
/// unit per degree, the same formula scripts/build-world-map.mjs drew wwwroot/img with.
/// </summary>
public static class MapProjection
{
    public const int Width = 360;

    public const int Height = 180;

    /// <summary>The world map's viewBox, for the SVG that shows it.</summary>
    public const string ViewBox = "0 0 360 180";

    /// <summary>The regional view's size in degrees: 2:1 like the world's, so the card's box keeps its shape.</summary>
    public const double RegionWidth = 24;

    public const double RegionHeight = RegionWidth / 2;

    /// <summary>
    /// The closer view for a country whose box is at most <see cref="SmallCountry"/> degrees either way
    /// (Malta, Singapore, Bahrain): at 24 degrees it would be a few pixels, under the marker.
    /// </summary>
    public const double CloseWidth = 6;

    public const double SmallCountry = 3;

    public static readonly MapBox World = new(0, 0, Width, Height);

    /// <summary>
    /// Null when a coordinate is missing or not a number, so the card shows no map rather than a
    /// marker in the wrong place. A value past the edge (a provider's rounding, or a lying one) is held
    /// at the edge, where the marker stays on the map.
    /// </summary>
    public static MapPoint? Project(double? latitude, double? longitude)
    {
        if (latitude is not { } lat || longitude is not { } lon || !double.IsFinite(lat) || !double.IsFinite(lon))
        {
            return null;
        }

        return new MapPoint(Math.Clamp(lon, -180, 180) + 180, 90 - Math.Clamp(lat, -90, 90));
    }

    /// <summary>
    /// The regional view around a point. North and south it is held inside the map, so near a pole the
    /// point is off-centre rather than the view running off the world. East and west it stays centred and
    /// may cross the antimeridian (Fiji, Chukotka): the map goes on there, and the card draws the land
    /// beyond it a world's width over, where holding the view at the edge would cut the place in two.
    /// </summary>
    public static MapBox Region(MapPoint point, double width = RegionWidth)
    {
        var height = width / 2;
        var top = Math.Clamp(point.Y - (height / 2), 0, Height - height);
        var left = point.X - (width / 2);
        return new MapBox(left, top, left + width, top + height);
    }

    /// <summary>How far, in whole worlds, a box must be shifted to be drawn in a view: 0, and −360 or +360 where the view crosses the antimeridian.</summary>
    public static IEnumerable<double> Offsets(MapBox box, MapBox view) =>
        new[] { 0d, -Width, Width }.Where(offset => box.Shift(offset).Intersects(view));
}
