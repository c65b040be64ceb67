using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace RazorIpInfo.Tests.Pages;

/// <summary>
/// Client libraries are declared in libman.json and their restored files are committed, so the site
/// builds without reaching a CDN. These tests keep the two in step.
/// </summary>
public sealed partial class ClientLibraryTests
{
    // Recorded when htmx.org@2.0.11 was restored; a silent edit of the committed file fails here.
    private const string HtmxSha256 = "d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717";

    private static readonly string RepositoryRoot = FindRepositoryRoot();

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "libman.json")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("No libman.json above " + AppContext.BaseDirectory);
    }

    private static IEnumerable<(string Library, string File, string Path)> DeclaredFiles()
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot, "libman.json")));
        foreach (var library in manifest.RootElement.GetProperty("libraries").EnumerateArray())
        {
            var name = library.GetProperty("library").GetString()!;
            var destination = library.GetProperty("destination").GetString()!;
            foreach (var file in library.GetProperty("files").EnumerateArray())
            {
                yield return (name, file.GetString()!, Path.Combine(RepositoryRoot, destination, file.GetString()!));
            }
        }
    }

    [GeneratedRegex("""\bversion:\s*["']([^"']+)["']""")]
    private static partial Regex EmbeddedVersion();

    [Fact]
    public void EveryDeclaredClientFileIsCommittedAtItsDestination()
    {
        var files = DeclaredFiles().ToList();

        Assert.NotEmpty(files);
        Assert.All(files, file => Assert.True(File.Exists(file.Path), $"{file.Library}: {file.File} is not at {file.Path}"));
    }

    [Fact]
    public void CommittedHtmxIsThePinnedVersionUnchanged()
    {
        var (library, _, path) = Assert.Single(DeclaredFiles(), file => file.Library.StartsWith("htmx.org@", StringComparison.Ordinal));
        var pinned = library["htmx.org@".Length..];

        var script = File.ReadAllBytes(path);

        Assert.Equal(pinned, EmbeddedVersion().Match(System.Text.Encoding.UTF8.GetString(script)).Groups[1].Value);
        Assert.Equal(HtmxSha256, Convert.ToHexStringLower(SHA256.HashData(script)));
    }
}
