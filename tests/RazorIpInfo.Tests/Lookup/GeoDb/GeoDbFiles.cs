using RazorIpInfo.Lookup.GeoDb;
using RazorIpInfo.Tests.Infrastructure;

namespace RazorIpInfo.Tests.Lookup.GeoDb;

/// <summary>
/// The real offline database fetched by scripts/fetch-geodb.sh. A developer without it sees the tests
/// that need it skipped with the reason; CI (CI=true) fetches it first, so there they run, and fail.
/// </summary>
internal static class GeoDbFiles
{
    public static string Ipv4 => Path.Combine(RazorIpInfoFactory.GeoDbDirectory, GeoDbOptions.Ipv4File);

    public static string Ipv6 => Path.Combine(RazorIpInfoFactory.GeoDbDirectory, GeoDbOptions.Ipv6File);

    public static string? SkipReason =>
        (File.Exists(Ipv4) && File.Exists(Ipv6)) ||
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
            ? null
            : $"The offline database is not in {RazorIpInfoFactory.GeoDbDirectory}; run scripts/fetch-geodb.sh to include these tests.";

    /// <summary>Fails with the fix when the database is missing, instead of letting a test fail obscurely.</summary>
    public static void Require()
    {
        if (!File.Exists(Ipv4) || !File.Exists(Ipv6))
        {
            throw new Xunit.Sdk.XunitException(
                $"The offline database is missing from {RazorIpInfoFactory.GeoDbDirectory}; run scripts/fetch-geodb.sh.");
        }
    }
}

/// <summary>
/// The database tests map 135 MB of files, copy them and replace them: one after another, so that no two
/// copy the same files at once. Beside the other collections, not after them: alone they were the suite's
/// last 25 s on one core, and the other tests' upstream timeouts (5 s) are far from what they cost.
/// </summary>
[CollectionDefinition(Name)]
public sealed class GeoDbTestGroup
{
    public const string Name = "Offline database";
}

/// <summary>A fact that needs the offline database; see <see cref="GeoDbFiles"/>.</summary>
public sealed class GeoDbFactAttribute : FactAttribute
{
    public GeoDbFactAttribute() => Skip = GeoDbFiles.SkipReason;
}

/// <summary>A theory that needs the offline database; see <see cref="GeoDbFiles"/>.</summary>
public sealed class GeoDbTheoryAttribute : TheoryAttribute
{
    public GeoDbTheoryAttribute() => Skip = GeoDbFiles.SkipReason;
}

/// <summary>A scratch database folder a test can fill, break and replace files in.</summary>
internal sealed class TempGeoDbDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("geodb-test-").FullName;

    public string Ipv4 => System.IO.Path.Combine(Path, GeoDbOptions.Ipv4File);

    public string Ipv6 => System.IO.Path.Combine(Path, GeoDbOptions.Ipv6File);

    /// <summary>
    /// Puts <paramref name="source"/> in the folder as <paramref name="fileName"/> the way an update
    /// should: a complete copy renamed over the old file, with a modification time of its own.
    /// </summary>
    public void Install(string source, string fileName, DateTime modified)
    {
        var target = System.IO.Path.Combine(Path, fileName);
        var staging = target + ".new";
        File.Copy(source, staging, overwrite: true);
        File.SetLastWriteTimeUtc(staging, modified);
        File.Move(staging, target, overwrite: true);
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
