using System.Net;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RazorIpInfo.Lookup.DataFiles;
using RazorIpInfo.Lookup.GeoDb;
using RazorIpInfo.Lookup.Networks;
using RazorIpInfo.Tests.Infrastructure;
using RazorIpInfo.Tests.Lookup.GeoDb;
using RazorIpInfo.Tests.Lookup.Networks;

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

    [Fact]
    public async Task NetworkDataFetchedAfterStartUpIsAnsweredWithoutARestart()
    {
        // ip-api.com (the emulator) answers; the network prefix comes from the offline data alone.
        await using var site = Site("ip-api");
        using var client = site.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/network?ip=8.8.8.8")).StatusCode);

        Fetch(NetworkFiles.Fixture, Path.Combine(root, "data", "asn"), NetworkOptions.Ipv4File, NetworkOptions.Ipv6File);

        Assert.Equal("8.8.8.0/24\n", await client.GetStringAsync("/network?ip=8.8.8.8"));
        Assert.Equal("2001:4860::/32\n", await client.GetStringAsync("/network?ip=2001:4860:4860::8888"));
    }

    [GeoDbFact]
    public async Task CityDatabaseFetchedAfterStartUpIsAnsweredWithoutARestart()
    {
        await using var site = Site("mmdb");
        using var client = site.CreateClient();
        Assert.NotEqual(HttpStatusCode.OK, (await client.GetAsync("/country-iso?ip=8.8.8.8")).StatusCode);

        Fetch(RazorIpInfoFactory.GeoDbDirectory, Path.Combine(root, "data", "geodb"), GeoDbOptions.Ipv4File, GeoDbOptions.Ipv6File);

        Assert.Equal("US\n", await client.GetStringAsync("/country-iso?ip=8.8.8.8"));
        using var ipv6 = await client.GetAsync("/country-iso?ip=2001:4860:4860::8888");
        Assert.Equal(HttpStatusCode.OK, ipv6.StatusCode);
    }

    [Fact]
    public void NetworkDataIsLookedForAgainOncePerCheckInterval()
    {
        var clock = new FakeTimeProvider();
        var folder = Path.Combine(root, "data", "asn");
        var networks = new NetworkDatabase(
            Options.Create(new NetworkOptions { Directory = folder, ReloadCheckInterval = TimeSpan.FromSeconds(30) }),
            new FakeEnvironment(), clock, new FakeLogger<NetworkDatabase>());
        Assert.Null(networks.Find(IPAddress.Parse("8.8.8.8")));

        Fetch(NetworkFiles.Fixture, folder, NetworkOptions.Ipv4File, NetworkOptions.Ipv6File);
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Null(networks.Find(IPAddress.Parse("8.8.8.8")));
        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(15169u, networks.Find(IPAddress.Parse("8.8.8.8"))?.AsNumber);
    }

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

    private RazorIpInfoFactory Site(string provider)
    {
        var site = new RazorIpInfoFactory(upstream);
        site.Settings["Lookup:Providers:0"] = provider;
        site.Settings["GeoDb:Directory"] = Path.Combine(root, "data", "geodb");
        site.Settings["Networks:Directory"] = Path.Combine(root, "data", "asn");
        // Every lookup looks at the files, so the test needs no clock; the interval has its own test above.
        site.Settings["Networks:ReloadCheckInterval"] = "00:00:00";
        return site;
    }

    /// <summary>What the fetch scripts do: create the folder, unpack beside it, rename each file into place.</summary>
    private static void Fetch(string from, string folder, params string[] files)
    {
        Directory.CreateDirectory(folder);
        foreach (var file in files)
        {
            var staged = Path.Combine(folder, "." + file + ".fetch");
            File.Copy(Path.Combine(from, file), staged);
            File.Move(staged, Path.Combine(folder, file));
        }
    }
}
