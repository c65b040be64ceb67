using System.Collections.Frozen;

namespace RazorIpInfo.Pages.Map;

/// <summary>
/// The map's static files, all built by scripts/build-world-map.mjs: the world view's outline, the
/// regional view's land in squares, and one outline per country. Which squares and countries have a
/// file is in the generated half (MapAssets.g.cs), so a card never links one that is not there.
/// </summary>
public static partial class MapAssets
{
    /// <summary>The world view's outline (1:110m, whole degrees).</summary>
    public const string World = "img/world.svg";

    private const int Columns = 360 / TileSize;

    /// <summary>
    /// The generated tables, frozen. In a class of their own: the order in which the field initialisers
    /// of a partial class's two files run is unspecified, and these read the generated half's.
    /// </summary>
    private static class Index
    {
        public static readonly FrozenSet<int> LandTiles = MapAssets.LandTiles.ToFrozenSet();

        public static readonly FrozenDictionary<string, MapBox> Countries = CountryBoxes.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The land square at this column and row (of <see cref="TileSize"/> degrees), or null where it is all sea.</summary>
    public static string? LandTile(int column, int row) =>
        column is >= 0 and < Columns && row is >= 0 && Index.LandTiles.Contains((row * Columns) + column)
            ? $"img/land/{column}-{row}.svg"
            : null;

    /// <summary>
    /// The outline of the country with this ISO alpha-2 code and its box, or null when there is none
    /// (an unknown code, or a territory Natural Earth does not draw). Only a code in the table reaches a
    /// file name, so a provider's text never becomes a path.
    /// </summary>
    public static (string Asset, MapBox Box)? Country(string? code) =>
        code is { Length: 2 } && Index.Countries.TryGetValue(code, out var box)
            ? ($"img/countries/{code.ToLowerInvariant()}.svg", box)
            : null;
}
