using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using RazorIpInfo.Tests.Infrastructure;

namespace RazorIpInfo.Tests.Browser;

/// <summary>
/// The site on real Kestrel with a strict Content-Security-Policy, the upstream emulated on loopback,
/// and Debian's headless Chromium driven by Playwright. One per test class, so that the classes run beside each
/// other while a class's tests run one after another; each test opens its own browser context.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes fixtures through IAsyncLifetime.DisposeAsync.")]
public sealed class BrowserSite : IAsyncLifetime
{
    /// <summary>
    /// Debian's <c>chromium-headless-shell</c>: what Playwright itself runs for headless tests, the same Blink and the
    /// same build as <c>/usr/bin/chromium</c>, at about half its CPU per page (issue 28: 35 tests in 40 s / 75 CPU-s
    /// instead of 91 s / 178 CPU-s). The full browser is the fallback where only it is installed.
    /// </summary>
    public static readonly IReadOnlyList<string> ChromiumCandidates = ["/usr/bin/chromium-headless-shell", "/usr/bin/chromium"];

    /// <summary>The browser the tests drive: the first of <see cref="ChromiumCandidates"/> installed (the first when none is).</summary>
    public static string ChromiumPath { get; } = ChromiumCandidates.FirstOrDefault(File.Exists) ?? ChromiumCandidates[0];

    internal const string InstallHint = "apt-get install chromium-headless-shell";

    /// <summary>What a strict deployment would send; the page must run under it without a violation.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
        // One renderer for every tab and the compositor inside the browser process, instead of a process per context
        // and a GPU process: a class's tests run one after another, and this saved about a tenth of Chromium's CPU
        // (LooksTests and ProgressiveEnhancementTests: 25 CPU-s against 27 and 28).
        "--renderer-process-limit=1", "--in-process-gpu",
    ];

    private RazorIpInfoFactory? factory;
    private IPlaywright? playwright;

    public IpApiEmulator Upstream { get; } = IpApiEmulator.Start();

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Settings a test class adds to the site's (emulated registries, say), before it starts.</summary>
    public Action<RazorIpInfoFactory>? ConfigureFactory { get; init; }

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Every request the site received, "GET /path?query", in order: what a browser asked the server for.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Where <see cref="BrowserTab.ScreenshotAsync(string, bool)"/> saves them, when asked to.</summary>
    public static string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    /// <summary>Browser tests run wherever Chromium is installed, and in CI always (they fail there without it).</summary>
    public static bool CanRun =>
        File.Exists(ChromiumPath) || string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            // Skipped tests need nothing; in CI they run, and fail here.
            if (CanRun)
            {
                throw new InvalidOperationException(
                    $"Browser tests need Debian's {string.Join(" or ", ChromiumCandidates)} ({InstallHint}); CI=true makes its absence a failure.");
            }

            return;
        }

        factory = new RazorIpInfoFactory(Upstream);

        // A browser and other test runs share the machine: no upstream answer should time out here.
        factory.Settings["IpApi:AttemptTimeout"] = "00:00:10";
        factory.Settings["IpApi:TotalTimeout"] = "00:00:20";
        // Refresh reaches the upstream at once, so a refreshed card can show new data; the minimum age
        // itself is covered by the cache tests.
        factory.Settings["Cache:RefreshMinAge"] = "00:00:00";
        // A class's site sees few lookups, and the failure states are made on purpose: enough of them in the
        // breaker's window opened it, and the next test's good address showed "The lookup failed". The
        // breaker has its own tests.
        factory.Settings["IpApi:CircuitMinimumThroughput"] = "10000";
        // A class looks up dozens of addresses in eight languages (each its own upstream call) within a minute;
        // ip-api.com's free allowance of 45 would turn the later ones into "slow down" cards.
        factory.Settings["IpApi:RequestsPerMinute"] = "100000";
        // One factory, which builds the host: a derived one (WithWebHostBuilder) would build through this one
        // and lose its own settings.
        factory.ConfigureTestServices = services =>
        {
            services.AddTransient<IStartupFilter, ContentSecurityPolicyFilter>();
            services.AddSingleton<IStartupFilter>(new RequestLog(Requests));
        };
        ConfigureFactory?.Invoke(factory);
        BaseUrl = factory.StartOnFreePort();

        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        playwright?.Dispose();
        if (factory is not null)
        {
            await factory.DisposeAsync();
        }

        Upstream.Dispose();
    }

    /// <summary>A fresh browser context (no cookies, no htmx history cache) showing one tab.</summary>
    public async Task<BrowserTab> OpenAsync(Look look, bool javaScript = true)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl.ToString(),
            JavaScriptEnabled = javaScript,
            ColorScheme = look.Dark ? ColorScheme.Dark : ColorScheme.Light,
            ViewportSize = new ViewportSize { Width = look.Width, Height = look.Width < 600 ? 844 : 900 },
            IsMobile = look.Width < 600,
            HasTouch = look.Width < 600,
        });
        return await BrowserTab.OpenAsync(context, look, javaScript);
    }

    /// <summary>Outside the site's own pipeline, so that it sees static files and favicon requests too.</summary>
    private sealed class RequestLog(System.Collections.Concurrent.ConcurrentQueue<string> requests) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                requests.Enqueue($"{context.Request.Method} {context.Request.Path}{context.Request.QueryString}");
                return nextMiddleware(context);
            });
            next(app);
        };
    }

    private sealed class ContentSecurityPolicyFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                // When the response starts, so that it replaces the site's own policy rather than being replaced by it.
                context.Response.OnStarting(() =>
                {
                    context.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
                    return Task.CompletedTask;
                });
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}

/// <summary>A colour scheme and a window width, as a person would see the page.</summary>
public sealed record Look(bool Dark, int Width)
{
    public static readonly Look DesktopLight = new(Dark: false, Width: 1280);

    public static readonly Look PhoneDark = new(Dark: true, Width: 390);

    public override string ToString() => $"{(Dark ? "dark" : "light")}-{Width}";
}

/// <summary>A test that drives Chromium: skipped on a developer machine without it, never in CI.</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (!BrowserSite.CanRun)
        {
            Skip = $"Neither {string.Join(" nor ", BrowserSite.ChromiumCandidates)} is installed ({BrowserSite.InstallHint}).";
        }
    }
}

/// <inheritdoc cref="BrowserFactAttribute"/>
public sealed class BrowserTheoryAttribute : TheoryAttribute
{
    public BrowserTheoryAttribute()
    {
        if (!BrowserSite.CanRun)
        {
            Skip = $"Neither {string.Join(" nor ", BrowserSite.ChromiumCandidates)} is installed ({BrowserSite.InstallHint}).";
        }
    }
}
