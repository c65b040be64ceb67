using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;
using RazorIpInfo.Lookup;
using RazorIpInfo.Resources;

namespace RazorIpInfo.Pages.Map;

/// <summary>
/// What the map partial (Shared/_WorldMap) draws: one or more markers on the world outline, and the
/// sentence a screen reader says instead of the picture. One address gets a marker; many (a bulk
/// lookup) get a dot each.
/// </summary>
public sealed record WorldMap(IReadOnlyList<MapPoint> Points, string Label)
{
    /// <summary>The outline's file in wwwroot; its fingerprinted URL is looked up per request.</summary>
    public const string LandAsset = "img/world.svg";

    public bool IsSingle => Points.Count == 1;

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
        return new WorldMap([point], label);
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

    /// <summary>
    /// The outline's URL. Where the page's endpoint knows the static assets (WithStaticAssets), the
    /// fingerprinted one, cached by browsers for a year; otherwise the plain path.
    /// </summary>
    public static string LandHref(HttpContext context)
    {
        var assets = context.GetEndpoint()?.Metadata.GetMetadata<ResourceAssetCollection>();
        var path = assets?[LandAsset] ?? LandAsset;
        return context.Request.PathBase.Add(new PathString("/" + path.TrimStart('/'))).Value + "#land";
    }
}
