using System.Net.Http.Json;
using System.Text;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using RazorIpInfo.Tests.Infrastructure;

namespace RazorIpInfo.Tests.Lookup.Tor;

/// <summary>
/// The exit list as a downloaded list (Lookup/DataFiles): what a bad download, a restart and time do to it,
/// and what /readyz and /metrics say of it. A bad list is refused by a site that has had a good one, so the bad
/// lists the parser refuses share one (<see cref="CappedListSite"/>), each served after the good list is downloaded
/// again; the other tests are about a site's start, its disk copy, its clock or its circuit breaker, each on a site
/// of its own.
/// </summary>
public sealed class TorListRefreshTests(TorListRefreshTests.CappedListSite capped) : TorSiteTests, IClassFixture<TorListRefreshTests.CappedListSite>
{
    /// <summary>The shared list site, with a size cap a test's list can exceed.</summary>
    public sealed class CappedListSite : TorExitListSite
    {
        protected override void Configure(RazorIpInfoFactory app)
        {
            base.Configure(app);
            app.Settings["Tor:MaxListBytes"] = "1024";
        }
    }

    private const string DownloadLog = "RazorIpInfo.Lookup.DataFiles.DownloadedData";

    public static TheoryData<string, int, string> BadLists => new()
    {
        { "an HTML page", 200, "<html><body>Access denied</body></html>\n" },
        { "an empty body", 200, "" },
        { "comments and no address", 200, "# no exits today\n\n" },
        { "one line that is not an address", 200, "8.8.8.8\n8.8.8\n" },
        // Tor:MaxListBytes is 1024 in these sites.
        { "a list over the size cap", 200, string.Concat(Enumerable.Range(0, 200).Select(i => $"10.0.{i / 250}.{i % 250}\n")) },
        { "a server error", 500, "oops" },
    };

    [Theory]
    [MemberData(nameof(BadLists))]
    public async Task ABadListKeepsThePreviousOneInUseAndOnDisk(string what, int status, string body)
    {
        // A failed exchange (an error status, a body over the cap) counts towards the download client's circuit
        // breaker, which would stay open a minute on a shared site: those rows have a site of their own.
        var failedExchange = status != 200 || body.Length > 1024;
        var app = failedExchange ? Site(("Tor:MaxListBytes", "1024")) : capped.App;
        var list = failedExchange ? List : capped.List;
        if (failedExchange)
        {
            await UntilDownloadedAsync(app);
        }
        else
        {
            // A good download ends the previous row's outage, whose warning was said once.
            list.Serve(ExitList);
            Assert.True(await Data(app).RefreshAsync(CancellationToken.None));
        }

        var fetchedAt = Data(app).FetchedAt;
        var logged = app.Logs.GetSnapshot().Count;

        list.Serve(body, status);
        var replaced = await Data(app).RefreshAsync(CancellationToken.None);
        var answer = await app.CreateClient().GetStringAsync("/tor?ip=185.220.101.1");

        Assert.False(replaced, what);
        Assert.Equal("yes\n", answer);
        Assert.Equal(fetchedAt, Data(app).FetchedAt);
        Assert.Equal(ExitList, await File.ReadAllTextAsync(ListFile(app)));
        Assert.Single(app.Logs.GetSnapshot().Skip(logged), log => log.Category == DownloadLog && log.Level == LogLevel.Warning);
    }

    [Fact]
    public async Task TheDiskCopyIsReadAtStartAndReplacedByRenameWhenItIsARefreshIntervalOld()
    {
        var app = Site();
        var clock = app.UseFakeTime();
        Directory.CreateDirectory(Folder(app));
        await File.WriteAllTextAsync(ListFile(app), "# saved by an earlier run\n109.70.100.1\n185.220.100.240\n");
        File.SetLastWriteTimeUtc(ListFile(app), clock.GetUtcNow().AddMinutes(-10).UtcDateTime);
        List.Serve("8.8.8.8\n");

        var client = app.CreateClient();
        var fromDisk = await client.GetStringAsync("/tor?ip=185.220.100.240");
        var requestsAtStart = List.Requests;
        // A reader of the old copy (the next start, an operator's cp) holds it open across the refresh.
        await using var reader = new FileStream(ListFile(app), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        clock.Advance(TimeSpan.FromMinutes(50));
        await UntilDownloadedAsync(app, after: clock.GetUtcNow().AddMinutes(-1));

        Assert.Equal("yes\n", fromDisk);
        // Fetched ten minutes before the restart: the next download waits out the rest of the hour.
        Assert.Equal(0, requestsAtStart);
        Assert.Equal("no\n", await client.GetStringAsync("/tor?ip=185.220.100.240"));
        Assert.Equal("yes\n", await client.GetStringAsync("/tor?ip=8.8.8.8"));
        Assert.Equal("8.8.8.8\n", await File.ReadAllTextAsync(ListFile(app)));
        // Renamed over, not written in place: the open copy is still the old one, whole.
        Assert.Equal("# saved by an earlier run\n109.70.100.1\n185.220.100.240\n", await new StreamReader(reader, Encoding.UTF8).ReadToEndAsync());
        Assert.Equal(new[] { TorServiceCollectionExtensionsFileName }, Directory.GetFiles(Folder(app)).Select(file => Path.GetFileName(file)).ToArray());
        // The file's time is the download's, so the next start knows its age.
        Assert.Equal(clock.GetUtcNow().UtcDateTime, File.GetLastWriteTimeUtc(ListFile(app)));
    }

    [Fact]
    public async Task AGarbageDiskCopyIsIgnoredAtStartAndReplacedByTheDownload()
    {
        var app = Site();
        Directory.CreateDirectory(Folder(app));
        await File.WriteAllBytesAsync(ListFile(app), [0x1f, 0x8b, 0x08, 0x00, 0xff, 0x00, 0x2a]);

        await UntilDownloadedAsync(app);

        Assert.Equal("yes\n", await app.CreateClient().GetStringAsync("/tor?ip=8.8.8.8"));
        Assert.Equal(ExitList, await File.ReadAllTextAsync(ListFile(app)));
        Assert.Contains(app.Logs.GetSnapshot(), log => log.Level == LogLevel.Error && log.Message.Contains("cannot be used", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AListOlderThanStaleAfterIsStaleOnReadyzAndInItsAgeGaugeAndStillAnswers()
    {
        var app = Site(("Tor:StaleAfter", "06:00:00"));
        var clock = app.UseFakeTime();
        await UntilDownloadedAsync(app);
        var client = app.CreateClient();
        clock.Advance(TimeSpan.FromMinutes(30));
        var fresh = await client.GetFromJsonAsync<JsonElement>("/readyz");

        // The source goes away for good; every refresh from now on fails.
        List.Serve("unavailable", 503);
        clock.Advance(TimeSpan.FromHours(5.5) + TimeSpan.FromMinutes(1));
        await Data(app).RefreshAsync(CancellationToken.None);
        await Data(app).RefreshAsync(CancellationToken.None);
        var stale = await client.GetFromJsonAsync<JsonElement>("/readyz");
        // This site's own meter: /metrics of a test process also shows the other test sites' instruments of the same name.
        using var gauge = new MetricCollector<double>(app.Services.GetRequiredService<IMeterFactory>(), "RazorIpInfo", "razoripinfo.data.age");
        gauge.RecordObservableInstruments();

        Assert.Equal("Healthy", fresh.GetProperty("checks").GetProperty("tor").GetProperty("status").GetString());
        Assert.Equal(1800, fresh.GetProperty("checks").GetProperty("tor").GetProperty("data").GetProperty("ageSeconds").GetInt64());
        Assert.True(Data(app).IsStale);
        var tor = stale.GetProperty("checks").GetProperty("tor");
        Assert.Equal("Degraded", tor.GetProperty("status").GetString());
        Assert.Equal("Degraded", stale.GetProperty("status").GetString());
        Assert.Equal(6 * 3600 + 60, tor.GetProperty("data").GetProperty("ageSeconds").GetInt64());
        var age = gauge.LastMeasurement!;
        Assert.Equal(21660, age.Value);
        Assert.Equal("tor", age.Tags["data"]);
        // A stale list is still the best there is.
        Assert.Equal("yes\n", await client.GetStringAsync("/tor?ip=8.8.8.8"));
        // One warning for the outage, however many refreshes fail during it.
        Assert.Single(app.Logs.GetSnapshot(), log => log.Category == DownloadLog && log.Level == LogLevel.Warning);
    }

    [Fact]
    public async Task ASiteThatHasNeverHadAListIsDegradedNotUnhealthy()
    {
        List.Serve("down", 500);
        var app = Site();
        var client = app.CreateClient();
        for (var deadline = DateTime.UtcNow.AddSeconds(20); List.Requests == 0 && DateTime.UtcNow < deadline; await Task.Delay(50))
        {
        }

        var ready = await client.GetAsync("/readyz");
        var body = await ready.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(System.Net.HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Degraded", body.GetProperty("checks").GetProperty("tor").GetProperty("status").GetString());
        Assert.Equal("unknown\n", await client.GetStringAsync("/tor?ip=8.8.8.8"));
    }

    [Fact]
    public async Task TurnedOffTheListIsNeitherFetchedNorCountedAgainstReadiness()
    {
        var app = Site(("Tor:ExitListUrl", ""));

        var body = await app.CreateClient().GetFromJsonAsync<JsonElement>("/readyz");

        Assert.Equal("Healthy", body.GetProperty("checks").GetProperty("tor").GetProperty("status").GetString());
        Assert.Equal(0, List.Requests);
        Assert.False(Directory.Exists(Folder(app)));
    }

    private const string TorServiceCollectionExtensionsFileName = RazorIpInfo.Lookup.Tor.TorServiceCollectionExtensions.FileName;
}
