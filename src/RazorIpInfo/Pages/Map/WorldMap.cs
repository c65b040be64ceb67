using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;
using RazorIpInfo.Lookup;
using RazorIpInfo.Resources;

namespace RazorIpInfo.Pages.Map;

/// <summary>One static file the map draws (a <c>&lt;use&gt;</c>), shifted by a world's width where a view crosses the antimeridian.</summary>
public readonly record struct MapLayer(string Asset, double OffsetX);

/// <summary>
/// What the map partial (Shared/_WorldMap) draws: one or more markers on the land, and the sentence a
/// screen reader says instead of the picture. One address gets a marker; many (a bulk lookup) get a dot
/// each, on the world.
/// </summary>
/// <remarks>
/// One address's map is regional (24 × 12 degrees around it, 6 × 3 for a country that small, the named
/// country outlined) when its
/// location is a city's; it is the world when the location is coarse: the provider named no city, so the
/// coordinates are a country's or a region's middle (ip-api.com and DB-IP give those for addresses they
/// place no closer), and a close-up would claim a precision the answer does not have. The country is
/// outlined when the provider named one that has an outline and the point is in (within a degree of)
/// its box: a country and a point that disagree outline nothing.
/// </remarks>
public sealed record WorldMap(IReadOnlyList<MapPoint> Points, string Label)
{
    /// <summary>The world outline's file in wwwroot; its fingerprinted URL is looked up per request.</summary>
    public const string LandAsset = MapAssets.World;

    /// <summary>How much of the map the card shows.</summary>
    public MapBox View { get; init; } = MapProjection.World;

    /// <summary>The land under the markers: the world's outline, or the regional view's squares.</summary>
    public IReadOnlyList<MapLayer> Land { get; init; } = [new(LandAsset, 0)];

    /// <summary>The named country's outline, once or (across the antimeridian) twice; empty when there is none to draw.</summary>
    public IReadOnlyList<MapLayer> Country { get; init; } = [];

    public bool IsSingle => Points.Count == 1;

    public bool IsRegional => View != MapProjection.World;

    /// <summary>
    /// The marker's radius in viewBox units: a fixed share of the view's width (5 degrees on the world),
    /// so it is the same size on screen at either zoom; a bulk map's many dots are smaller.
    /// </summary>
    public double MarkerRadius => View.Width / (IsSingle ? 72 : 120);

    /// <summary>The map for one address, or null when its provider gave no usable coordinates.</summary>
    public static WorldMap? For(IpInfo info, IStringLocalizer<SharedResource> text)
    {
        if (MapProjection.Project(info.Latitude, info.Longitude) is not { } point)
        {
            return null;
        }

        var place = string.Join(", ", new[] { info.City ?? info.Region, info.Country ?? info.CountryCode }.Where(part => !string.IsNullOrEmpty(part)));
        var label = place.Length > 0
            ? text["Map.MarkerNear", place]
            : text["Map.MarkerAt", Card.CardFormat.Coordinates(info.Latitude!.Value, info.Longitude!.Value)];
        var map = new WorldMap([point], label);
        var outline = MapAssets.Country(info.CountryCode) is { } named && named.Box.Contains(point, 1) ? named : default((string Asset, MapBox Box)?);
        var small = outline is { Box: { Width: <= MapProjection.SmallCountry, Height: <= MapProjection.SmallCountry } };
        var view = string.IsNullOrWhiteSpace(info.City) ? MapProjection.World
            : MapProjection.Region(point, small ? MapProjection.CloseWidth : MapProjection.RegionWidth);
        List<MapLayer> country = outline is { } drawn
            ? [.. MapProjection.Offsets(drawn.Box, view).Select(offset => new MapLayer(drawn.Asset, offset))]
            : [];
        return view == MapProjection.World
            ? map with { Country = country }
            : map with { View = view, Land = LandSquares(view), Country = country };
    }

    /// <summary>The land squares a view touches, each drawn where it falls; past the antimeridian, a world's width over.</summary>
    private static List<MapLayer> LandSquares(MapBox view)
    {
        const int size = MapAssets.TileSize;
        var squares = new List<MapLayer>();
        for (var row = Math.Max(0, (int)Math.Floor(view.Top / size)); row * size < Math.Min(view.Bottom, MapProjection.Height); row++)
        {
            for (var column = (int)Math.Floor(view.Left / size); column * size < view.Right; column++)
            {
                var worlds = (int)Math.Floor(column * size / (double)MapProjection.Width);
                var wrapped = column - (worlds * (MapProjection.Width / size));
                if (MapAssets.LandTile(wrapped, row) is { } asset)
                {
                    squares.Add(new MapLayer(asset, worlds * MapProjection.Width));
                }
            }
        }

        return squares;
    }

    /// <summary>
    /// The map for many addresses, a dot for each that has coordinates; addresses at the same spot
    /// share a dot, so the markup grows with the places, not the addresses. Null when none has any.
    /// </summary>
    public static WorldMap? For(IEnumerable<IpInfo> infos, IStringLocalizer<SharedResource> text)
    {
        var list = infos as IReadOnlyCollection<IpInfo> ?? infos.ToList();
        if (list.Count == 1)
        {
            return For(list.First(), text);
        }

        return ForPlaces(list.Select(info => (info.Latitude, info.Longitude)), text);
    }

    /// <summary>The map for many places (a bulk lookup's), a dot for each distinct one; null when there is none.</summary>
    public static WorldMap? ForPlaces(IEnumerable<(double? Latitude, double? Longitude)> places, IStringLocalizer<SharedResource> text)
    {
        var points = places
            .Select(place => MapProjection.Project(place.Latitude, place.Longitude))
            .OfType<MapPoint>()
            .DistinctBy(point => (Math.Round(point.X), Math.Round(point.Y)))
            .ToList();
        return points.Count == 0 ? null : new WorldMap(points, text["Map.Markers", points.Count]);
    }

    /// <summary>A viewBox coordinate as an SVG attribute: invariant, whatever the visitor's language, to a tenth.</summary>
    public static string Attribute(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>A layer's shift as an attribute value, or null (no attribute) where it is drawn where it falls.</summary>
    public static string? Offset(MapLayer layer) => layer.OffsetX == 0 ? null : Attribute(layer.OffsetX);

    /// <summary>
    /// A map file's URL with the element to draw. Where the page's endpoint knows the static assets
    /// (WithStaticAssets), the fingerprinted one, cached by browsers for a year; otherwise the plain path.
    /// </summary>
    public static string Href(HttpContext context, string asset, string element)
    {
        var assets = context.GetEndpoint()?.Metadata.GetMetadata<ResourceAssetCollection>();
        var path = assets?[asset] ?? asset;
        return context.Request.PathBase.Add(new PathString("/" + path.TrimStart('/'))).Value + "#" + element;
    }
}
