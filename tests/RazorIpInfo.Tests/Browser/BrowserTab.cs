using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using RazorIpInfo.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace RazorIpInfo.Tests.Browser;

/// <summary>One tab in its own context, with everything the console said and a screenshot helper.</summary>
public sealed class BrowserTab : IAsyncDisposable
{
    private readonly IBrowserContext context;
    private Look look;

    /// <summary>How the page is shown now: the window the tab was opened with, and the colour scheme it shows.</summary>
    public Look Look => look;

    private BrowserTab(IBrowserContext context, IPage page, Look look)
    {
        this.context = context;
        this.look = look;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                lock (ConsoleErrors)
                {
                    ConsoleErrors.Add($"{message.Type}: {message.Text}");
                }
            }
        };
        page.RequestFinished += (_, request) => Remember($"{request.Method} {request.Url} finished");
        page.RequestFailed += (_, request) => Remember($"{request.Method} {request.Url} failed: {request.Failure}");
        page.PageError += (_, error) =>
        {
            lock (ConsoleErrors)
            {
                ConsoleErrors.Add("uncaught: " + error);
            }
        };
    }

    public IPage Page { get; }

    /// <summary>The tab's last requests and how they ended, for a failure message.</summary>
    private readonly Queue<string> traffic = new();

    private void Remember(string line)
    {
        lock (traffic)
        {
            traffic.Enqueue(line);
            while (traffic.Count > 12)
            {
                traffic.Dequeue();
            }
        }
    }

    /// <summary>
    /// Waits for the address bar to show <paramref name="pathAndQuery"/>; when it does not, the failure says
    /// what the tab shows and what it asked for, not only that a navigation never came.
    /// </summary>
    public async Task WaitForPathAsync(string pathAndQuery)
    {
        try
        {
            // Polled, not awaited as a navigation event: htmx changes the address with pushState, and
            // WaitForURL missed that event when it came just before the wait began (it then waited for a
            // navigation that had already happened, with the address bar showing the very URL it wanted).
            await Assertions.Expect(Page).ToHaveURLAsync(
                new System.Text.RegularExpressions.Regex("^https?://[^/]+" + System.Text.RegularExpressions.Regex.Escape(pathAndQuery) + "$"),
                new() { Timeout = 20_000 });
        }
        catch (PlaywrightException)
        {
            string title;
            try
            {
                title = (await Card.InnerTextAsync(new() { Timeout = 1_000 })).Split('\n')[0];
            }
            catch (TimeoutException)
            {
                title = "(no card)";
            }

            var requestError = await Page.Locator("#request-error").IsVisibleAsync();
            string[] recent;
            lock (traffic)
            {
                recent = [.. traffic];
            }

            throw new Xunit.Sdk.XunitException(
                $"The address bar stayed at {Page.Url}, not {pathAndQuery}. Card: '{title.Trim()}'; request error shown: {requestError}; " +
                $"console: [{string.Join(" | ", ConsoleErrors)}]; last requests: [{string.Join(" | ", recent)}]");
        }
    }

    /// <summary>Console errors and warnings (CSP violations among them) and uncaught exceptions.</summary>
    public List<string> ConsoleErrors { get; } = [];

    public ILocator Card => Page.Locator("#ip-card");

    /// <summary>The region around the card; it stays while the card is replaced, and is busy meanwhile.</summary>
    public ILocator CardRegion => Page.Locator("#card-region:has(> #ip-card)");

    /// <summary>The one short line screen readers hear when a card arrives or the address is copied.</summary>
    public ILocator Status => Page.Locator("#card-status[role=status]");

    public ILocator CardAddress => Page.Locator("#ip-card .address");

    public ILocator CardTitle => Page.Locator("#ip-card h2");

    public ILocator Field => Page.Locator("#ip");

    public ILocator RefreshButton => Page.Locator("#ip-card form.refresh button");

    public ILocator LookupButton => Page.Locator("form.lookup button[type=submit]");

    public static async Task<BrowserTab> OpenAsync(IBrowserContext context, Look look, bool javaScript = true) =>
        new(context, await context.NewPageAsync(), look) { JavaScript = javaScript };

    /// <summary>Whether the tab runs scripts: axe-core is a script, so it checks only tabs that do.</summary>
    public bool JavaScript { get; private init; } = true;

    /// <summary>Opens the home page and waits for the visitor's own card (the emulator's server address).</summary>
    public async Task GoHomeAsync()
    {
        await Page.GotoAsync("/");
        await Expect(CardAddress).ToHaveTextAsync(IpApiEmulator.ServerAddress);
    }

    /// <summary>Types <paramref name="address"/> into the lookup field, presses Enter, and waits for its card and the address bar.</summary>
    public async Task LookUpFromTheKeyboardAsync(string address)
    {
        await Field.FillAsync(address);
        await Field.PressAsync("Enter");
        await WaitForPathAsync("/?ip=" + address);
        await Expect(CardAddress).ToHaveTextAsync(address);
    }

    /// <summary>Marks a DOM node with a JavaScript property that survives only if the node itself does.</summary>
    public Task TagAsync(string selector) =>
        Page.EvalOnSelectorAsync(selector, "element => { element.survivor = true; }");

    public Task<bool> IsSameNodeAsync(string selector) =>
        Page.EvalOnSelectorAsync<bool>(selector, "element => element.survivor === true");

    /// <summary>
    /// Whether the browser tests save screenshots: only when <c>SCREENSHOTS=1</c> asks for them
    /// (<c>scripts/screenshots.sh</c>). They are for a person to look at and no test reads them; encoding about 160
    /// full-page PNGs cost every run a tenth of the browser tests' CPU.
    /// </summary>
    public static bool TakesScreenshots { get; } = Environment.GetEnvironmentVariable("SCREENSHOTS") is "1" or "true";

    /// <summary>The page as it is now, saved as screenshots/{state}-{look}.png: the whole page, or what the window shows.</summary>
    public async Task ScreenshotAsync(string state, bool fullPage = true)
    {
        if (TakesScreenshots)
        {
            // Hiding the caret injects a <style>, which the site's Content-Security-Policy refuses.
            await Page.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath(state), FullPage = fullPage, Caret = ScreenshotCaret.Initial });
        }
    }

    /// <summary>One element as it is now, saved as screenshots/{state}-{look}.png.</summary>
    public async Task ScreenshotAsync(string state, ILocator element)
    {
        if (TakesScreenshots)
        {
            await element.ScreenshotAsync(new LocatorScreenshotOptions { Path = ScreenshotPath(state), Caret = ScreenshotCaret.Initial });
        }
    }

    private string ScreenshotPath(string state)
    {
        Directory.CreateDirectory(BrowserSite.ScreenshotFolder);
        return Path.Combine(BrowserSite.ScreenshotFolder, $"{state}-{look}.png");
    }

    /// <summary>
    /// Runs <paramref name="check"/> on the page as it is now, in light and then in dark, and goes back to the scheme
    /// the tab was in. The scheme is switched in place (<c>prefers-color-scheme</c>, which is all the stylesheet reads),
    /// so a state reached once is seen in both, instead of a second tab going through every step again: only the
    /// colours differ, and the checks (fit, axe-core's contrast) see both.
    /// </summary>
    public async Task InLightAndDarkAsync(Func<Task> check)
    {
        var opened = look;
        foreach (var dark in (bool[])[false, true])
        {
            await Page.EmulateMediaAsync(new() { ColorScheme = dark ? ColorScheme.Dark : ColorScheme.Light });
            look = look with { Dark = dark };
            await check();
        }

        await Page.EmulateMediaAsync(new() { ColorScheme = opened.Dark ? ColorScheme.Dark : ColorScheme.Light });
        look = opened;
    }

    /// <summary>Lets the page write to and read from the clipboard, as a person's click allows it to.</summary>
    public Task GrantClipboardAsync() => context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);

    private static int axeRuns;

    /// <summary>
    /// Only violations are reported in full, which is all a check asserts on: by default axe-core also serialises
    /// every node each passing rule looked at, and the page, the driver and the test host each handled that JSON
    /// (a check of the card page: about 170-280 ms of Chromium's CPU and 40-150 ms of the test host's, against
    /// about 120 and 20 with this).
    /// </summary>
    private static readonly AxeRunOptions ViolationsOnly = new() { ResultTypes = [ResultType.Violations] };

    /// <summary>How many times axe-core has checked a page in this test run.</summary>
    public static int AxeRuns => axeRuns;

    /// <summary>
    /// Runs axe-core (every rule it runs by default, WCAG 2.2 A and AA among them) on the page as it is now, and
    /// fails on any violation, whatever its impact, naming the rule and the elements.
    /// </summary>
    public async Task AssertAccessibleAsync(string state)
    {
        // In a context with JavaScript off, axe-core's injected script never answers and the test hung for good;
        // the same pages are checked in the tests that run them with JavaScript.
        if (!JavaScript)
        {
            return;
        }

        // axe-core's default mode finishes every run in a blank page of its own, made and closed per run, for the
        // results of cross-origin frames, which this site has none of: in-page ("legacy") runs the same rules in
        // half the time, and the checks were three quarters of the browser tests' time.
        // The library sends axe-core's 550 kB source through Playwright's driver into the page before every run, and
        // the page compiles and starts it again; that was three fifths of a check's time. A page that already has
        // axe-core (an earlier check in the same document: htmx swaps keep it) gets a no-op in its place, so a
        // document is given axe-core once. A navigation starts a document without it. (Giving every later document
        // of a tab axe-core as an init script instead was tried: no difference in two alternating pairs.)
        var alreadyThere = await Page.EvaluateAsync<bool>("() => typeof window.axe?.run === 'function'");
#pragma warning disable CS0618
        var result = await Page.RunAxeLegacy(null, ViolationsOnly, alreadyThere ? "undefined" : null);
#pragma warning restore CS0618
        Interlocked.Increment(ref axeRuns);
        var violations = result.Violations.Select(v =>
            $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}");
        Assert.True(result.Violations.Length == 0, $"{state}-{look}: axe-core found {result.Violations.Length} violation(s): {string.Join("; ", violations)}");
    }

    public async ValueTask DisposeAsync() => await context.DisposeAsync();
}
