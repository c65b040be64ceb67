namespace RazorIpInfo.Lookup.DataFiles;

/// <summary>
/// The one answer to "which folder do <c>GeoDb:Directory</c> and <c>Networks:Directory</c> mean?", so that
/// the folder the fetch scripts fill and the log lines name is exactly the folder read.
/// </summary>
/// <remarks>
/// An absolute path is itself. A relative one is taken from the checkout the site runs in, the folder
/// holding <see cref="FetchScript"/>, whose scripts fill <c>data/geodb</c> and <c>data/asn</c> there;
/// outside a checkout (a published app) it is taken from the content root. The answer never depends on
/// which folders exist yet: a site started before the first fetch reads the folder the fetch then fills.
/// </remarks>
public static class DataFolder
{
    /// <summary>The script an operator is told to run; its checkout is the root relative folders are read from.</summary>
    public const string FetchScript = "scripts/fetch-geodb.sh";

    public static string Resolve(string configured, string contentRoot)
    {
        if (Path.IsPathRooted(configured))
        {
            return Path.GetFullPath(configured);
        }

        return Path.GetFullPath(Path.Combine(CheckoutOf(contentRoot) ?? contentRoot, configured));
    }

    /// <summary>The checkout holding <paramref name="contentRoot"/>, or null for a site that is not run from one.</summary>
    internal static string? CheckoutOf(string contentRoot)
    {
        for (var folder = new DirectoryInfo(Path.GetFullPath(contentRoot)); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, FetchScript)))
            {
                return folder.FullName;
            }
        }

        return null;
    }
}
