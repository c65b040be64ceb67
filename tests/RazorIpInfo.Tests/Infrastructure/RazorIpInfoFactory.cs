using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using RazorIpInfo.Lookup.Caching;
using RazorIpInfo.Redis;

namespace RazorIpInfo.Tests.Infrastructure;

/// <summary>
/// The site as a test sees it: Production behaviour, the upstream pointed at a loopback emulator,
/// short timeouts so failure tests stay quick, and log lines from Information up captured.
/// </summary>
public sealed class RazorIpInfoFactory(IpApiEmulator upstream) : WebApplicationFactory<Program>
{
    /// <summary>
    /// Configuration a test adds or overrides, applied last. Timeouts are generous so that a busy CI
    /// machine does not turn a slow emulator answer into a retry; timeout tests use <see cref="WithShortTimeouts"/>.
    /// </summary>
    public Dictionary<string, string?> Settings { get; } = new()
    {
        ["IpApi:AttemptTimeout"] = "00:00:05",
        ["IpApi:TotalTimeout"] = "00:00:10",
        // Tests that are not about inbound limits send many requests from one client.
        ["RateLimits:LookupsPerMinute"] = "100000",
        ["RateLimits:OwnCardPerMinute"] = "100000",
        ["RateLimits:ConcurrentRequestsPerClient"] = "100000",
        // Ready at once: a warm-up's hundreds of requests would reach the emulator and slow every site started
        // on Kestrel; WarmUpTests turns it on.
        ["WarmUp:Enabled"] = "false",
        // Only ip-api.com answers unless a test adds the offline database ("Lookup:Providers:1" = "mmdb").
        ["Lookup:Providers:0"] = "ip-api",
        ["GeoDb:Directory"] = GeoDbDirectory,
        // A small extract of the network data, so every site built here has prefixes and AS pages at once.
        ["Networks:Directory"] = Path.Combine(AppContext.BaseDirectory, "Lookup", "Networks", "Fixture"),
        // No Tor exit list (the default URL is the Tor Project's, a public host) unless a test serves one,
        // and downloaded lists in a folder of this site's own, created only if it downloads one.
        ["Tor:ExitListUrl"] = "",
        ["DownloadedData:Directory"] = Path.Combine(Path.GetTempPath(), "razoripinfo-downloads-" + Guid.NewGuid().ToString("N")),
        // No RDAP bootstrap (the default is IANA's, a public host) unless a test serves one (Lookup/Rdap/RdapSite).
        ["Rdap:BootstrapBaseUrl"] = "",
    };

    /// <summary>Where scripts/fetch-geodb.sh puts the offline database: data/geodb in the repository.</summary>
    public static string GeoDbDirectory => Path.Combine(RepositoryRoot, "data", "geodb");

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>An emulator delay of <see cref="SlowAnswer"/> then times out every attempt quickly.</summary>
    public RazorIpInfoFactory WithShortTimeouts()
    {
        Settings["IpApi:AttemptTimeout"] = "00:00:00.500";
        Settings["IpApi:TotalTimeout"] = "00:00:01";
        return this;
    }

    public const int SlowAnswer = 2000;

    public FakeLogCollector Logs => Services.GetFakeLogCollector();

    /// <summary>
    /// The lowest level collected: Information, what a deployment would see. Trace from every framework category
    /// cost each host CPU for lines no test reads; a test about a Debug line, or about what never reaches any line
    /// (a key, an address), lowers it for its own site.
    /// </summary>
    public LogLevel MinimumLogLevel { get; set; } = LogLevel.Information;

    /// <summary>The <c>Cache:KeySecret</c> of every instance that shares a Redis server.</summary>
    public const string SharedKeySecret = "test-secret-shared-by-every-instance";

    /// <summary>A Redis server to share the lookup cache through; null: the in-process cache only.</summary>
    public string? Redis { get; init; }

    /// <summary>Services a test adds to the site's own, last.</summary>
    public Action<IServiceCollection>? ConfigureTestServices { get; set; }

    /// <summary>The lookup cache's clock, when <see cref="UseFakeTime"/> was called.</summary>
    public FakeTimeProvider? Clock { get; private set; }

    /// <summary>
    /// Puts the lookup cache (TTLs, ages on the card) on a clock the test moves. Only that clock: the
    /// HTTP pipeline's timeouts and retry delays keep running on real time.
    /// </summary>
    public FakeTimeProvider UseFakeTime() => Clock ??= new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    private bool fakeTimeEverywhere;

    /// <summary>
    /// Puts the whole site on <see cref="Clock"/>: besides the lookup clock, the container's <see cref="TimeProvider"/>,
    /// which the upstream clients' attempt timeouts, deadlines and retry delays run on. A timeout then passes when the
    /// test moves the clock (<see cref="MovingTimeUntilAsync{T}"/>), not after real seconds.
    /// </summary>
    public RazorIpInfoFactory WithFakeTimeEverywhere()
    {
        UseFakeTime();
        fakeTimeEverywhere = true;
        return this;
    }

    /// <summary>
    /// Waits for <paramref name="pending"/> while moving <see cref="Clock"/> on (<see cref="MovingClock"/>), from when
    /// <paramref name="ready"/> says so (our own upstream has the request, say; at once without it), and never past
    /// <paramref name="upTo"/> in all: an answer that would need the clock beyond it never comes, so the test fails.
    /// The clock stops there rather than at the answer, because on a busy machine the site may still be writing an
    /// answer cut in time while the clock goes on.
    /// </summary>
    public async Task<T> MovingTimeUntilAsync<T>(Task<T> pending, Func<bool>? ready = null, TimeSpan? upTo = null) =>
        (await (Clock ?? throw new InvalidOperationException("MovingTimeUntilAsync needs WithFakeTimeEverywhere()."))
            .UntilAnsweredAsync(pending, ready ?? (() => true), upTo)).Answer;

    /// <summary>
    /// Starts the site on real Kestrel on a free loopback port (never a fixed one: two runs may share the
    /// machine) and returns its address. The listener is configured on Kestrel itself: <c>UseKestrel(0)</c>
    /// rewrites the server's address list after the app has begun starting on its own thread, and lost that
    /// race when several sites started at once ("Addresses cannot be modified after the server has started",
    /// dotnet/aspnetcore#67714).
    /// </summary>
    public Uri StartOnFreePort()
    {
        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        return new Uri(addresses.Addresses.First());
    }

    /// <summary>
    /// Waits until the site's one Redis connection is up (<see cref="RedisConnection.IsAvailable"/>). Start-up gives
    /// it a second, which a busy machine can overrun; until it is up, each instance keeps its own cache and upstream
    /// budget, by design, which is not what a test of sharing them is about.
    /// </summary>
    public async Task UntilRedisIsUpAsync()
    {
        var redis = Services.GetRequiredService<RedisConnection>();
        for (var deadline = DateTime.UtcNow.AddSeconds(20); !redis.IsAvailable; await Task.Delay(100))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The site's Redis connection was not up within 20 s.");
            }
        }
    }

    /// <summary>A client whose requests arrive from <paramref name="visitor"/>, as our trusted proxy reports it.</summary>
    public HttpClient CreateClientFor(string visitor)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Forwarded-For", visitor);
        return client;
    }

    private static string FindRepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "RazorIpInfo.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("RazorIpInfo.sln not found above " + AppContext.BaseDirectory);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environments.Production);
        builder.UseSetting("IpApi:BaseUrl", upstream.Url);
        if (Redis is not null)
        {
            builder.UseSetting("ConnectionStrings:Redis", Redis);
            builder.UseSetting("Cache:KeySecret", SharedKeySecret);
        }

        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(Settings));
        // Every line at MinimumLogLevel goes to the collector a test reads, none to the console: a run's output is the test results.
        builder.ConfigureLogging(logging => logging.ClearProviders().SetMinimumLevel(MinimumLogLevel).AddFakeLogging());
        builder.ConfigureServices(services =>
        {
            services.Configure<LoggerFilterOptions>(o => o.Rules.Clear());
            services.AddTransient<IStartupFilter, EndpointLimiterRelease>();
            if (Clock is { } clock)
            {
                services.AddKeyedSingleton<TimeProvider>(LookupCacheServiceCollectionExtensions.ClockKey, clock);
                if (fakeTimeEverywhere)
                {
                    services.AddSingleton<TimeProvider>(clock);
                }
            }

            ConfigureTestServices?.Invoke(services);
        });
    }
}
