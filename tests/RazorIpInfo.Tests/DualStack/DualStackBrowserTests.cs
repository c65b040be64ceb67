using System.Net;
using System.Net.Sockets;
using Microsoft.Playwright;
using RazorIpInfo.Tests.Browser;
using static Microsoft.Playwright.Assertions;
using static RazorIpInfo.Tests.DualStack.DualStackSite;

namespace RazorIpInfo.Tests.DualStack;

/// <summary>
/// The row in Chromium, whose resolver stands in for DNS: <c>site.test</c> and <c>v4.test</c> reach the site
/// over 127.0.0.1, <c>v6.test</c> over [::1]. The page runs under the site's own policy here (not the
/// browser fixture's stricter one), since what is tested is that policy's exact allowance for the two hosts.
/// </summary>
[Trait("Category", "Browser")]
public sealed class DualStackBrowserTests(DualStackSite site, DualStackBrowserTests.Chromiums chromiums)
    : IClassFixture<DualStackSite>, IClassFixture<DualStackBrowserTests.Chromiums>
{
    // Anything the policy refuses is reported where a test can read it (with JavaScript; without it the
    // browser's own "Refused to …" console errors say the same).
    private const string ReportViolations =
        "document.addEventListener('securitypolicyviolation', e => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));";

    // Every pair of JavaScript on/off, light/dark and phone/desktop appears once: four page loads cover
    // what all eight combinations would, and each costs a few CPU seconds of Chromium.
    public static TheoryData<bool, bool, int> Looks => new()
    {
        { true, false, 390 },
        { false, true, 390 },
        { true, true, 1280 },
        { false, false, 1280 },
    };

    [BrowserTheory]
    [MemberData(nameof(Looks))]
    public async Task BothAddressesShowUnderTheCardWithAndWithoutJavaScript(bool javaScript, bool dark, int width)
    {
        var look = new Look(dark, width);
        var browser = await chromiums.WithRulesAsync(site.HostResolverRules());
        await using var tab = await browser.OpenAsync(look, javaScript);

        await tab.Page.GotoAsync($"http://{SiteHost}/");

        var row = tab.Page.Locator(".your-addresses");
        await Expect(row.Locator("[data-family=IPv4] a.family-address")).ToHaveTextAsync("127.0.0.1");
        await Expect(row.Locator("[data-family=IPv4] a.family-address")).ToHaveAttributeAsync("href", "/?ip=127.0.0.1");
        var frame = await FrameAsync(tab.Page, Ipv6Host);
        await Expect(frame.Locator("a.family-address")).ToHaveTextAsync("::1");
        await Expect(frame.Locator("a.family-address")).ToHaveAttributeAsync("href", $"//{SiteHost}/?ip=%3A%3A1");
        await Expect(row.Locator(".family-missing")).Not.ToBeVisibleAsync();
        await AssertFitsTheWindowAsync(tab);
        // Chromium paints another site's embedded document only once it has been in view.
        await row.ScrollIntoViewIfNeededAsync();
        await tab.ScreenshotAsync(javaScript ? "dualstack-both" : "dualstack-both-nojs");
        await tab.ScreenshotAsync(javaScript ? "dualstack-row" : "dualstack-row-nojs", row);
        Assert.Empty(tab.ConsoleErrors);
    }

    [BrowserFact]
    public async Task TheOtherAddressLinksToItsCardInTheWholeWindow()
    {
        var browser = await chromiums.WithRulesAsync(site.HostResolverRules());
        await using var tab = await browser.OpenAsync(Look.DesktopLight, javaScript: false);
        await tab.Page.GotoAsync($"http://{SiteHost}/");
        var frame = await FrameAsync(tab.Page, Ipv6Host);

        await frame.Locator("a.family-address").ClickAsync();

        await tab.WaitForPathAsync("/?ip=%3A%3A1");
        Assert.Equal(SiteHost, new Uri(tab.Page.Url).Host);
        await Expect(tab.CardAddress).ToHaveTextAsync("::1");
        Assert.Empty(tab.ConsoleErrors);
    }

    [BrowserTheory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task WithoutIpv6TheRowSaysThisBrowserHasNoIpv6Connectivity(bool javaScript, bool dark)
    {
        // v6.test resolves, but nothing answers there: what a browser without IPv6 meets.
        var browser = await chromiums.WithRulesAsync(site.HostResolverRules(ipv6Reachable: false, closedIpv6Port: chromiums.ClosedIpv6Port));
        await using var tab = await browser.OpenAsync(new Look(dark, 390), javaScript);

        await tab.Page.GotoAsync($"http://{SiteHost}/");

        await Expect(tab.Page.Locator(".your-addresses [data-family=IPv4] a.family-address")).ToHaveTextAsync("127.0.0.1");
        await Expect(tab.Page.Locator(".your-addresses [data-family=IPv6] .family-missing"))
            .ToHaveTextAsync("no IPv6 connectivity from this browser");
        await AssertFitsTheWindowAsync(tab);
        await tab.ScreenshotAsync(javaScript ? "dualstack-no-ipv6" : "dualstack-no-ipv6-nojs");
        await tab.ScreenshotAsync(javaScript ? "dualstack-row-no-ipv6" : "dualstack-row-no-ipv6-nojs", tab.Page.Locator(".your-addresses"));
        // The refused connection is reported; nothing may be refused by the policy.
        Assert.DoesNotContain(tab.ConsoleErrors, error => error.Contains("Content Security Policy", StringComparison.Ordinal) || error.Contains("CSP", StringComparison.Ordinal));
    }

    [BrowserFact]
    public async Task OnTheIpv4HostThePageEmbedsTheIpv6HostsAddress()
    {
        var browser = await chromiums.WithRulesAsync(site.HostResolverRules());
        await using var tab = await browser.OpenAsync(Look.PhoneDark);

        await tab.Page.GotoAsync($"http://{Ipv4Host}/");

        await Expect(tab.Page.Locator(".your-addresses [data-family=IPv4] a.family-address")).ToHaveTextAsync("127.0.0.1");
        var frame = await FrameAsync(tab.Page, Ipv6Host);
        await Expect(frame.Locator("a.family-address")).ToHaveTextAsync("::1");
        Assert.Empty(tab.ConsoleErrors);
    }

    private static async Task AssertFitsTheWindowAsync(BrowserTab tab)
    {
        var overflow = await tab.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"The page is {overflow}px wider than the window.");
    }

    /// <summary>The embedded /family document of <paramref name="host"/>, once the browser has loaded it.</summary>
    private static async Task<IFrame> FrameAsync(IPage page, string host)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (page.Frames.FirstOrDefault(frame => Uri.TryCreate(frame.Url, UriKind.Absolute, out var url) && url.Host == host && url.AbsolutePath == "/family") is { } found)
            {
                return found;
            }

            await Task.Delay(100);
        }

        throw new Xunit.Sdk.XunitException($"No /family frame from {host} among: {string.Join(", ", page.Frames.Select(frame => frame.Url))}");
    }

    /// <summary>
    /// One Chromium per set of resolver rules, launched on first use and kept for the class: the rules are
    /// fixed at launch, and a launch per test cost more than the test.
    /// </summary>
    public sealed class Chromiums : IAsyncLifetime
    {
        private readonly Dictionary<string, Task<ResolvingBrowser>> launched = [];

        /// <summary>A port on [::1] nothing listens on: what a browser without IPv6 reaches.</summary>
        public int ClosedIpv6Port { get; } = FreeIpv6Port();

        public Task<ResolvingBrowser> WithRulesAsync(string rules)
        {
            lock (launched)
            {
                if (!launched.TryGetValue(rules, out var browser))
                {
                    launched[rules] = browser = LaunchAsync(rules);
                }

                return browser;
            }
        }

        public Task InitializeAsync() => Task.CompletedTask;

        public async Task DisposeAsync()
        {
            // A launch that failed has failed its tests already; there is nothing of it to close.
            foreach (var browser in launched.Values.Where(launch => launch.IsCompletedSuccessfully))
            {
                await browser.Result.DisposeAsync();
            }
        }

        private static int FreeIpv6Port()
        {
            using var listener = new TcpListener(IPAddress.IPv6Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }

    private static async Task<ResolvingBrowser> LaunchAsync(string rules)
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = BrowserSite.ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                // Plain http, as the test serves it: no attempt at https first.
                "--disable-features=HttpsUpgrades,HttpsFirstBalancedModeAutoEnable",
                $"--host-resolver-rules={rules}",
            ],
        });
        return new ResolvingBrowser(playwright, browser);
    }

    public sealed class ResolvingBrowser(IPlaywright playwright, IBrowser browser) : IAsyncDisposable
    {
        public async Task<BrowserTab> OpenAsync(Look look, bool javaScript = true)
        {
            var context = await browser.NewContextAsync(new BrowserNewContextOptions
            {
                JavaScriptEnabled = javaScript,
                ColorScheme = look.Dark ? ColorScheme.Dark : ColorScheme.Light,
                ViewportSize = new ViewportSize { Width = look.Width, Height = look.Width < 600 ? 844 : 900 },
                IsMobile = look.Width < 600,
                HasTouch = look.Width < 600,
            });
            await context.AddInitScriptAsync(ReportViolations);
            return await BrowserTab.OpenAsync(context, look);
        }

        public async ValueTask DisposeAsync()
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }
}
