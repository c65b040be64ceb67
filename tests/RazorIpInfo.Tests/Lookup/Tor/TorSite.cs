using Microsoft.Extensions.DependencyInjection;
using RazorIpInfo.Lookup.DataFiles;
using RazorIpInfo.Lookup.Tor;
using RazorIpInfo.Tests.Infrastructure;

namespace RazorIpInfo.Tests.Lookup.Tor;

/// <summary>
/// A site whose Tor exit list is served by a loopback <see cref="ListServer"/>, on the fake lookup clock (so
/// the background refresh only runs when a test moves it), with its downloads in a folder of its own.
/// </summary>
public abstract class TorSiteTests : EmulatedUpstreamTests, IAsyncLifetime
{
    /// <summary>Google's resolvers, which the emulator answers with full records, are on the list; these are not.</summary>
    public const string ListedV4 = "8.8.8.8";
    public const string ListedV6 = "2001:4860:4860::8888";
    public const string UnlistedV4 = "9.9.9.9";
    public const string UnlistedV6 = "2620:fe::fe";

    public const string ExitList = "# Tor bulk exit list (a test's)\n8.8.8.8\n\n2001:4860:4860::8888\n185.220.101.1\n";

    // Made when a test first asks for it: the tests of a class that use a shared site never do.
    private readonly Lazy<ListServer> list = new(() => new ListServer().Serve(ExitList));

    protected ListServer List => list.Value;

    private readonly List<RazorIpInfoFactory> sites = [];

    protected TorSiteTests() => Upstream.AnswerEveryAddress(TimeSpan.Zero);

    protected RazorIpInfoFactory Site(params (string Key, string Value)[] settings)
    {
        var app = new RazorIpInfoFactory(Upstream);
        app.Settings["Tor:ExitListUrl"] = List.Url;
        foreach (var (key, value) in settings)
        {
            app.Settings[key] = value;
        }

        app.UseFakeTime();
        sites.Add(app);
        return app;
    }

    protected static string Folder(RazorIpInfoFactory app) => app.Settings["DownloadedData:Directory"]!;

    protected static string ListFile(RazorIpInfoFactory app) => Path.Combine(Folder(app), TorServiceCollectionExtensions.FileName);

    internal static IDownloadedDataStatus Data(RazorIpInfoFactory app) =>
        (IDownloadedDataStatus)app.Services.GetRequiredKeyedService<IDownloadedData<TorExitList>>(TorServiceCollectionExtensions.DataName);

    /// <summary>Waits (on real time, bounded) for the background download to have put a list in use after <paramref name="after"/>.</summary>
    internal static async Task UntilDownloadedAsync(RazorIpInfoFactory app, DateTimeOffset? after = null)
    {
        var data = Data(app);
        for (var deadline = DateTime.UtcNow.AddSeconds(20); !(data.FetchedAt is { } at && (after is null || at > after)); await Task.Delay(50))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The Tor exit list was not downloaded within 20 s.");
            }
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var app in sites)
        {
            await app.DisposeAsync();
            if (Directory.Exists(Folder(app)))
            {
                Directory.Delete(Folder(app), recursive: true);
            }
        }

        if (list.IsValueCreated)
        {
            List.Dispose();
        }
    }
}

/// <summary>
/// <see cref="TorSiteTests"/>' site, shared by a class whose tests neither change the list nor move the clock: the
/// list downloaded once, before the first test, and every address answered by the emulator.
/// </summary>
public class TorExitListSite : SharedSite
{
    /// <summary>
    /// An exit on this site's list besides <see cref="TorSiteTests.ExitList"/>'s, for the one test that must be the
    /// first to ask about its address: the others' lookups are cached for theirs.
    /// </summary>
    public const string ExitAskedAboutOnce = "185.220.101.2";

    public ListServer List { get; } = new ListServer().Serve(TorSiteTests.ExitList + ExitAskedAboutOnce + "\n");

    protected override void Configure(RazorIpInfoFactory app)
    {
        Upstream.AnswerEveryAddress(TimeSpan.Zero);
        app.Settings["Tor:ExitListUrl"] = List.Url;
        app.UseFakeTime();
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await TorSiteTests.UntilDownloadedAsync(App);
    }

    public override async Task DisposeAsync()
    {
        var folder = App.Settings["DownloadedData:Directory"]!;
        await base.DisposeAsync();
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        List.Dispose();
    }
}
