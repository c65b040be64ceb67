namespace RazorIpInfo.Observability;

/// <summary>
/// Where the site reads appsettings.json from. The host's default is the working directory, so
/// <c>dotnet out/RazorIpInfo.dll</c> started from the checkout (as docs/deploy.md says) read no appsettings.json
/// and ran with its privacy-relevant log levels unset: every request URL, with the addresses looked up, went
/// to the log. The app's own folder is the content root unless one is given or the working directory is one.
/// </summary>
internal static class AppFolder
{
    private const string Settings = "appsettings.json";

    /// <summary>The content root to pin, or null to keep the host's choice.</summary>
    public static string? ContentRoot(string[] args)
    {
        var given = args.Any(a => a.StartsWith("--contentRoot", StringComparison.OrdinalIgnoreCase) || a.StartsWith("/contentRoot", StringComparison.OrdinalIgnoreCase)) ||
            !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT")) ||
            !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOTNET_CONTENTROOT"));
        if (given || File.Exists(Path.Combine(Directory.GetCurrentDirectory(), Settings)))
        {
            return null;
        }

        return File.Exists(Path.Combine(AppContext.BaseDirectory, Settings)) ? AppContext.BaseDirectory : null;
    }
}
