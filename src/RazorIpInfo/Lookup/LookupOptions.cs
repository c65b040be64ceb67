namespace RazorIpInfo.Lookup;

public sealed class LookupOptions
{
    public const string Section = "Lookup";

    /// <summary>The order used when <see cref="Providers"/> is not configured.</summary>
    public static readonly IReadOnlyList<string> DefaultProviders = ["ip-api", "mmdb"];

    /// <summary>
    /// Provider ids, asked in this order. Empty means <see cref="DefaultProviders"/>: the configuration
    /// binder appends to a non-empty default list instead of replacing it, so the default lives here.
    /// </summary>
    public IList<string> Providers { get; } = [];

    public IReadOnlyList<string> EffectiveProviders => Providers.Count == 0 ? DefaultProviders : [.. Providers];
}
