namespace RazorIpInfo.Pages.Map;

/// <summary>A position on the world map, in the units of its viewBox.</summary>
public readonly record struct MapPoint(double X, double Y);

/// <summary>
/// Where a latitude and longitude fall on the world map: equirectangular (plate carrée), one viewBox
/// unit per degree, the same formula scripts/build-world-map.mjs drew wwwroot/img/world.svg with.
/// </summary>
public static class MapProjection
{
    public const int Width = 360;

    public const int Height = 180;

    /// <summary>The map's viewBox, for the SVG that shows it.</summary>
    public const string ViewBox = "0 0 360 180";

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
}
