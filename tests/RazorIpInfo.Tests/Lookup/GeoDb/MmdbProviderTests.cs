using System.Net;
using System.Net.Http.Json;
using MaxMind.Db;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RazorIpInfo.Lookup;
using RazorIpInfo.Lookup.GeoDb;
using RazorIpInfo.Tests.Infrastructure;
using WireMock.ResponseBuilders;

namespace RazorIpInfo.Tests.Lookup.GeoDb;

/// <summary>
/// The offline provider against the real DB-IP files, and against missing, broken and replaced ones. The tests that
/// read the real files share one site (<see cref="RealFilesSite"/>); each that has files of its own, in a scratch
/// folder, has its own.
/// </summary>
[Collection(GeoDbTestGroup.Name)]
public sealed class MmdbProviderTests(MmdbProviderTests.RealFilesSite realFiles) : IDisposable, IClassFixture<MmdbProviderTests.RealFilesSite>
{
    /// <summary>The site with only the offline database answering, from the real files (data/geodb).</summary>
    public sealed class RealFilesSite : SharedSite
    {
        protected override bool OnKestrel => false;

        protected override void Configure(RazorIpInfoFactory app) => app.Settings["Lookup:Providers:0"] = "mmdb";
    }

    private readonly IpApiEmulator upstream = IpApiEmulator.Start();
    private readonly TempGeoDbDirectory scratch = new();

    public void Dispose()
    {
        upstream.Dispose();
        scratch.Dispose();
    }

    /// <summary>The site with only the offline database answering, reading from <paramref name="directory"/>.</summary>
    private RazorIpInfoFactory OfflineSite(string? directory = null)
    {
        var app = new RazorIpInfoFactory(upstream);
        app.Settings["Lookup:Providers:0"] = "mmdb";
        if (directory is not null)
        {
            app.Settings["GeoDb:Directory"] = directory;
        }

        return app;
    }

    private static async Task<IpInfo> FoundAsync(MmdbProvider provider, string address)
    {
        var result = await provider.LookupAsync(IPAddress.Parse(address), "en", CancellationToken.None);
        return Assert.IsType<LookupResult.Found>(result).Info;
    }

    [GeoDbFact]
    public async Task Ipv4AddressIsAnsweredFromTheIpv4File()
    {
        GeoDbFiles.Require();
        var before = realFiles.Upstream.Requests.Count;

        var info = await realFiles.Client.GetFromJsonAsync<IpInfo>("/api/ip-info/8.8.8.8");

        Assert.Equal("US", info!.CountryCode);
        Assert.Equal("United States", info.Country);
        Assert.Equal(MmdbProvider.ProviderName, info.Provider);
        Assert.Empty(realFiles.Upstream.Requests.Skip(before));
    }

    [GeoDbFact]
    public async Task Ipv6AddressIsAnsweredFromTheIpv6FileNotTheIpv4One()
    {
        GeoDbFiles.Require();
        var address = IPAddress.Parse("2001:4860:4860::8888");
        using var ipv6File = new Reader(GeoDbFiles.Ipv6, FileAccessMode.MemoryMapped);
        var expected = ipv6File.Find<Dictionary<string, object>>(address)!;

        var info = await realFiles.Client.GetFromJsonAsync<IpInfo>("/api/ip-info/2001:4860:4860::8888");

        Assert.Equal("2001:4860:4860::8888", info!.Address);
        Assert.Equal(expected["country_code"], info.CountryCode);
        Assert.Equal(expected["city"], info.City);
        Assert.NotNull(info.Country);
    }

    [GeoDbTheory]
    [InlineData("en", "United States")]
    [InlineData("de", "Vereinigte Staaten")]
    [InlineData("zh-CN", "美国")]
    public async Task CountryIsNamedInTheRequestedLanguage(string language, string country)
    {
        GeoDbFiles.Require();
        var provider = realFiles.App.Services.GetRequiredService<MmdbProvider>();

        var result = await provider.LookupAsync(IPAddress.Parse("8.8.8.8"), language, CancellationToken.None);

        Assert.Equal(country, Assert.IsType<LookupResult.Found>(result).Info.Country);
    }

    [GeoDbFact]
    public async Task Ipv4MappedAddressIsTheIpv4Address()
    {
        GeoDbFiles.Require();
        var provider = realFiles.App.Services.GetRequiredService<MmdbProvider>();

        var mapped = await FoundAsync(provider, "::ffff:8.8.8.8");
        var plain = await FoundAsync(provider, "8.8.8.8");

        Assert.Equal(plain with { FetchedAt = default }, mapped with { FetchedAt = default });
        Assert.Equal("8.8.8.8", mapped.Address);
    }

    [Fact]
    public async Task MissingDatabaseIsLoggedOnceAndTheSiteStillAnswersFromTheUpstream()
    {
        await using var app = new RazorIpInfoFactory(upstream);
        app.Settings["Lookup:Providers:0"] = "mmdb";
        app.Settings["Lookup:Providers:1"] = "ip-api";
        app.Settings["GeoDb:Directory"] = scratch.Path;

        var page = await app.CreateClient().GetDocumentAsync("/?ip=8.8.8.8");

        Assert.Equal("Ashburn", page.Facts()["City"]);
        var line = Assert.Single(app.Logs.GetSnapshot(), r => r.Category == typeof(MmdbProvider).FullName);
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Contains("not found", line.Message, StringComparison.Ordinal);
        Assert.Contains(scratch.Path, line.Message, StringComparison.Ordinal);
        Assert.Contains("scripts/fetch-geodb.sh", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CorruptDatabaseIsReportedAtStartUpAndIgnored()
    {
        await File.WriteAllTextAsync(scratch.Ipv4, "this is not a MaxMind database");
        await File.WriteAllBytesAsync(scratch.Ipv6, new byte[4096]);
        await using var app = new RazorIpInfoFactory(upstream);
        app.Settings["Lookup:Providers:0"] = "mmdb";
        app.Settings["Lookup:Providers:1"] = "ip-api";
        app.Settings["GeoDb:Directory"] = scratch.Path;

        var page = await app.CreateClient().GetDocumentAsync("/?ip=8.8.8.8");

        Assert.Equal("Ashburn", page.Facts()["City"]);
        var errors = app.Logs.GetSnapshot().Where(r => r.Category == typeof(MmdbProvider).FullName && r.Level == LogLevel.Error).ToList();
        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.Contains("cannot be used", e.Message, StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Message.Contains(scratch.Ipv4, StringComparison.Ordinal));
    }

    [GeoDbFact]
    public async Task Ipv4OnlyFileInPlaceOfTheIpv6OneIsRefused()
    {
        GeoDbFiles.Require();
        scratch.Install(GeoDbFiles.Ipv4, GeoDbOptions.Ipv6File, DateTime.UtcNow);
        await using var app = OfflineSite(scratch.Path);

        var response = await app.CreateClient().GetAsync("/api/ip-info/2001:4860:4860::8888");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains(app.Logs.GetSnapshot(), r => r.Level == LogLevel.Error && r.Message.Contains("IPv6 is needed", StringComparison.Ordinal));
    }

    [GeoDbFact]
    public async Task ReplacedDatabaseIsPickedUpWithoutARestart()
    {
        GeoDbFiles.Require();
        // A valid database without IPv4 data first, then the real IPv4 file renamed over it.
        scratch.Install(GeoDbFiles.Ipv6, GeoDbOptions.Ipv4File, DateTime.UtcNow.AddHours(-1));
        await using var app = OfflineSite(scratch.Path);
        var client = app.CreateClient();

        var before = await client.GetDocumentAsync("/?ip=8.8.8.8");
        scratch.Install(GeoDbFiles.Ipv4, GeoDbOptions.Ipv4File, DateTime.UtcNow);
        var after = await client.GetDocumentAsync("/?ip=8.8.8.8");

        Assert.Equal("The lookup failed", before.CardTitle());
        Assert.Equal("United States (US)", after.Facts()["Country"]);
    }

    [GeoDbFact]
    public async Task DatabaseMissingAtStartUpIsUsedOnceItArrives()
    {
        GeoDbFiles.Require();
        await using var app = OfflineSite(scratch.Path);
        var client = app.CreateClient();

        var before = await client.GetDocumentAsync("/?ip=8.8.8.8");
        scratch.Install(GeoDbFiles.Ipv4, GeoDbOptions.Ipv4File, DateTime.UtcNow);
        var after = await client.GetDocumentAsync("/?ip=8.8.8.8");

        Assert.Equal("The lookup failed", before.CardTitle());
        Assert.Equal("United States (US)", after.Facts()["Country"]);
    }

    [GeoDbFact]
    public async Task LookupsRunningWhileTheFileIsReplacedAllSucceed()
    {
        GeoDbFiles.Require();
        scratch.Install(GeoDbFiles.Ipv4, GeoDbOptions.Ipv4File, DateTime.UtcNow.AddHours(-1));
        await using var app = OfflineSite(scratch.Path);
        var provider = app.Services.GetRequiredService<MmdbProvider>();
        using var done = new CancellationTokenSource();

        var lookups = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            var answers = new List<string?>();
            while (!done.IsCancellationRequested)
            {
                answers.Add((await FoundAsync(provider, "8.8.8.8")).CountryCode);
            }

            return answers;
        })).ToList();
        for (var swap = 1; swap <= 3; swap++)
        {
            scratch.Install(GeoDbFiles.Ipv4, GeoDbOptions.Ipv4File, DateTime.UtcNow.AddMinutes(swap));
            await FoundAsync(provider, "8.8.8.8");
        }

        await done.CancelAsync();
        var answers = (await Task.WhenAll(lookups)).SelectMany(a => a).ToList();

        Assert.NotEmpty(answers);
        Assert.All(answers, code => Assert.Equal("US", code));
        Assert.Equal(4, app.Logs.GetSnapshot().Count(r => r.Message.Contains("loaded", StringComparison.Ordinal) && r.Message.Contains(GeoDbOptions.Ipv4File, StringComparison.Ordinal)));
    }
}
