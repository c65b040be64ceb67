using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using RazorIpInfo.Lookup.Rdap;
using RazorIpInfo.Tests.Infrastructure;

namespace RazorIpInfo.Tests.Lookup.Rdap;

/// <summary>
/// IANA's bootstrap and two registries emulated on loopback: "ARIN" holds 8.8.0.0/16, 2001:4860::/32 and AS15169
/// and redirects 8.8.4.4 to "RIPE", which holds 193.0.0.0/8 and AS3333 and throttles 193.0.0.1. A third server,
/// named by no bootstrap file, stands for wherever a hostile redirect points.
/// </summary>
public sealed class RdapRegistries : IAsyncDisposable
{
    public const string ArinAddress = "8.8.8.8";
    public const string CachedAddress = "8.8.8.9";
    public const string RedirectedAddress = "8.8.4.4";
    public const string HugeAddress = "8.8.8.2";
    public const string StallingAddress = "8.8.8.3";
    public const string ScriptAddress = "8.8.8.4";
    public const string UnlistedRedirectAddress = "8.8.8.5";
    public const string PrivateRedirectAddress = "8.8.8.6";
    public const string LoopRedirectAddress = "8.8.8.7";
    public const string ThrottledAddress = "193.0.0.1";
    public const string RipeAddress = "193.0.6.139";

    /// <summary>The site's cap on one registry answer in these tests.</summary>
    public const int MaxAnswerBytes = 64 * 1024;

    private readonly string downloads = Directory.CreateTempSubdirectory("rdap-tests-").FullName;

    public RdapEmulator Iana { get; private set; } = null!;

    public RdapEmulator Arin { get; private set; } = null!;

    public RdapEmulator Ripe { get; private set; } = null!;

    public RdapEmulator Unlisted { get; private set; } = null!;

    public static async Task<RdapRegistries> StartAsync()
    {
        var registries = new RdapRegistries
        {
            Iana = await RdapEmulator.StartAsync(),
            Arin = await RdapEmulator.StartAsync(),
            Ripe = await RdapEmulator.StartAsync(),
            Unlisted = await RdapEmulator.StartAsync(),
        };
        registries.Script();
        return registries;
    }

    private void Script()
    {
        var arin = new Uri(Arin.Url, "registry/");
        var ripe = Ripe.Url;

        Iana.OnJson("/ipv4.json", RdapSamples.Bootstrap((["8.8.0.0/16"], [arin]), (["193.0.0.0/8"], [ripe])));
        Iana.OnJson("/ipv6.json", RdapSamples.Bootstrap((["2001:4860::/32"], [arin])));
        Iana.OnJson("/asn.json", RdapSamples.Bootstrap((["15169"], [arin]), (["3333"], [ripe])));

        foreach (var address in new[] { ArinAddress, CachedAddress, "2001:4860:4860::8888" })
        {
            Arin.OnJson($"/registry/ip/{address}", RdapSamples.ArinNetwork(arin.AbsoluteUri));
        }

        Arin.OnJson("/registry/autnum/15169", RdapSamples.Autnum(arin.AbsoluteUri, 15169, "GOOGLE", "Google LLC", "network-abuse@google.com"));
        Arin.On($"/registry/ip/{RedirectedAddress}", RdapEmulator.Redirect(new Uri(ripe, $"ip/{RedirectedAddress}")));
        Arin.On($"/registry/ip/{HugeAddress}", RdapEmulator.Huge(4 * MaxAnswerBytes));
        Arin.On($"/registry/ip/{StallingAddress}", RdapEmulator.Stall());
        Arin.OnJson($"/registry/ip/{ScriptAddress}", RdapSamples.ArinNetwork(arin.AbsoluteUri, name: "<img src=x onerror=alert(1)>", organisation: "<script>alert(1)</script>"));
        Arin.On($"/registry/ip/{UnlistedRedirectAddress}", RdapEmulator.Redirect(new Uri(Unlisted.Url, $"ip/{UnlistedRedirectAddress}")));
        Arin.On($"/registry/ip/{PrivateRedirectAddress}", RdapEmulator.Redirect(new Uri($"http://10.1.2.3/ip/{PrivateRedirectAddress}")));
        Arin.On($"/registry/ip/{LoopRedirectAddress}", RdapEmulator.Redirect(new Uri(arin, $"ip/{LoopRedirectAddress}")));
        Unlisted.OnJson($"/ip/{UnlistedRedirectAddress}", RdapSamples.ArinNetwork(Unlisted.Url.AbsoluteUri, organisation: "Not a registry"));

        Ripe.OnJson($"/ip/{RedirectedAddress}", RdapSamples.RipeNetwork(ripe.AbsoluteUri, RedirectedAddress));
        Ripe.OnJson($"/ip/{RipeAddress}", RdapSamples.RipeNetwork(ripe.AbsoluteUri, RipeAddress));
        Ripe.On($"/ip/{ThrottledAddress}", RdapEmulator.Throttle(120));
    }

    /// <summary>Points the site at these emulators, with loopback allowed for them alone and a 1 s registry timeout.</summary>
    public void Configure(RazorIpInfoFactory app)
    {
        app.Settings["Rdap:BootstrapBaseUrl"] = Iana.Url.AbsoluteUri;
        app.Settings["Rdap:LocalHosts:0"] = "127.0.0.1";
        app.Settings["Rdap:Timeout"] = "00:00:01";
        app.Settings["Rdap:MaxAnswerBytes"] = MaxAnswerBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        app.Settings["DownloadedData:Directory"] = downloads;
    }

    /// <summary>The bootstrap files are fetched in the background at start-up; the tests begin once all three are in.</summary>
    public static async Task UntilBootstrapIsLoadedAsync(IServiceProvider services)
    {
        var bootstrap = services.GetRequiredService<RdapBootstrap>();
        for (var deadline = DateTime.UtcNow.AddSeconds(30);
             !(bootstrap.AsLoaded && bootstrap.Loaded(IPAddress.Parse(ArinAddress)) && bootstrap.Loaded(IPAddress.IPv6Loopback));
             await Task.Delay(50))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The RDAP bootstrap files were not loaded within 30 s.");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Iana.DisposeAsync();
        await Arin.DisposeAsync();
        await Ripe.DisposeAsync();
        await Unlisted.DisposeAsync();
        Directory.Delete(downloads, recursive: true);
    }
}

/// <summary>The site in front of <see cref="RdapRegistries"/>, on a fake lookup clock.</summary>
public class RdapSite : IAsyncLifetime
{
    public IpApiEmulator Upstream { get; } = IpApiEmulator.Start();

    public RdapRegistries Registries { get; private set; } = null!;

    public RdapEmulator Arin => Registries.Arin;

    public RdapEmulator Ripe => Registries.Ripe;

    public RdapEmulator Unlisted => Registries.Unlisted;

    public RazorIpInfoFactory App { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public FakeTimeProvider Clock { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Registries = await RdapRegistries.StartAsync();
        App = new RazorIpInfoFactory(Upstream);
        Clock = App.UseFakeTime();
        Registries.Configure(App);
        Configure(App);
        App.StartOnFreePort();
        Client = App.CreateClient();
        await RdapRegistries.UntilBootstrapIsLoadedAsync(App.Services);
    }

    /// <summary>What a variant of the site adds, before it starts; <see cref="Clock"/> is set by then.</summary>
    protected virtual void Configure(RazorIpInfoFactory app)
    {
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
        Upstream.Dispose();
        await Registries.DisposeAsync();
    }
}
