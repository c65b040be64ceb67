using System.Globalization;

namespace RazorIpInfo.Lookup;

/// <summary>The languages ip-api.com can name places in, matched to the request's UI culture.</summary>
public static class UpstreamLanguage
{
    public const string Default = "en";

    public static readonly IReadOnlyList<string> Supported = ["en", "de", "es", "fr", "ja", "pt-BR", "ru", "zh-CN"];

    public static string For(CultureInfo culture)
    {
        for (var c = culture; c != CultureInfo.InvariantCulture; c = c.Parent)
        {
            foreach (var supported in Supported)
            {
                if (string.Equals(c.Name, supported, StringComparison.OrdinalIgnoreCase))
                {
                    return supported;
                }
            }
        }

        return Default;
    }

    public static string Current => For(CultureInfo.CurrentUICulture);
}
