using System.Net;
using RazorIpInfo.Lookup.DataFiles;
using RazorIpInfo.Lookup.GeoDb;
using RazorIpInfo.Lookup.Networks;
using RazorIpInfo.Tests.Infrastructure;
using RazorIpInfo.Tests.Lookup.GeoDb;

namespace RazorIpInfo.Tests.Lookup.DataFiles;

/// <summary>
/// A site started before the operator fetched its data: the folders do not exist yet, the fetch scripts
/// then create them and rename the files in, and lookups are answered from them without a restart.
/// </summary>
[Collection(GeoDbTestGroup.Name)]
public sealed class DataFolderTests : IDisposable
{
    private readonly IpApiEmulator upstream = IpApiEmulator.Start();

    // What the site is told to read: data/geodb and data/asn under a folder that has neither yet.
    private readonly string root = Directory.CreateTempSubdirectory("data-folder-test-").FullName;

    public void Dispose()
    {
        upstream.Dispose();
        Directory.Delete(root, recursive: true);
    }

    // ip-api.com (the emulator) answers; the network prefix comes from the offline data alone.
    [Fact]
    public Task NetworkDataFetchedAfterStartUpIsAnsweredWithoutARestart() => AnsweredOnceFetchedAsync(
        "ip-api", Networks.NetworkFiles.Fixture, "asn", [NetworkOptions.Ipv4File, NetworkOptions.Ipv6File], "/network?ip=8.8.8.8", "8.8.8.0/24\n");

    [GeoDbFact]
    public Task CityDatabaseFetchedAfterStartUpIsAnsweredWithoutARestart() => AnsweredOnceFetchedAsync(
        "mmdb", RazorIpInfoFactory.GeoDbDirectory, "geodb", [GeoDbOptions.Ipv4File, GeoDbOptions.Ipv6File], "/country-iso?ip=8.8.8.8", "US\n");

    public static TheoryData<string> PlacesTheSiteStartsFrom => new()
    {
        // dotnet run --project src/RazorIpInfo from the repository root, dotnet run in the project, the built app.
        string.Empty,
        Path.Combine("src", "RazorIpInfo"),
        Path.Combine("src", "RazorIpInfo", "bin", "Release", "net10.0"),
    };

    [Theory]
    [MemberData(nameof(PlacesTheSiteStartsFrom))]
    public void TheDefaultFoldersAreTheOnesTheFetchScriptsFillWhereverTheSiteStarts(string contentRoot)
    {
        var repository = RazorIpInfoFactory.RepositoryRoot;
        var start = Path.Combine(repository, contentRoot);

        Assert.Equal(Path.Combine(repository, "data", "geodb"), DataFolder.Resolve(new GeoDbOptions().Directory, start));
        Assert.Equal(Path.Combine(repository, "data", "asn"), DataFolder.Resolve(new NetworkOptions().Directory, start));
        // The scripts' own defaults, which the operator runs without arguments.
        Assert.Contains("dir=\"${1:-$repo/data/geodb}\"", File.ReadAllText(Path.Combine(repository, "scripts", "fetch-geodb.sh")), StringComparison.Ordinal);
        Assert.Contains("dir=\"${1:-$repo/data/asn}\"", File.ReadAllText(Path.Combine(repository, "scripts", "fetch-asn.sh")), StringComparison.Ordinal);
    }

    [Fact]
    public void OutsideACheckoutARelativeFolderIsUnderTheContentRoot()
    {
        Assert.Equal(Path.Combine(root, "data", "geodb"), DataFolder.Resolve("data/geodb", root));
    }

    private async Task AnsweredOnceFetchedAsync(string provider, string source, string folder, string[] files, string url, string answer)
    {
        await using var site = new RazorIpInfoFactory(upstream);
        site.Settings["Lookup:Providers:0"] = provider;
        site.Settings["GeoDb:Directory"] = Path.Combine(root, "data", "geodb");
        site.Settings["Networks:Directory"] = Path.Combine(root, "data", "asn");
        // Every lookup looks at the files, so the test needs no clock (NetworkDatabaseTests covers the interval).
        site.Settings["Networks:ReloadCheckInterval"] = "00:00:00";
        using var client = site.CreateClient();
        using var before = await client.GetAsync(url);
        Assert.NotEqual(HttpStatusCode.OK, before.StatusCode);

        // What the fetch scripts do: create the folder, unpack beside the files, rename each into place.
        var target = Path.Combine(root, "data", folder);
        Directory.CreateDirectory(target);
        foreach (var file in files)
        {
            File.Copy(Path.Combine(source, file), Path.Combine(target, "." + file + ".fetch"));
            File.Move(Path.Combine(target, "." + file + ".fetch"), Path.Combine(target, file));
        }

        Assert.Equal(answer, await client.GetStringAsync(url));
    }
}
