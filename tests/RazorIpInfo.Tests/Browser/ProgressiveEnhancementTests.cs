using System.Text.RegularExpressions;
using AngleSharp.Html.Parser;
using Microsoft.Playwright;
using RazorIpInfo.Tests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using static Microsoft.Playwright.Assertions;

namespace RazorIpInfo.Tests.Browser;

/// <summary>
/// The page in a real browser: whole without JavaScript, and with it, Refresh and lookups that
/// replace only the card. Requests from the browser come from loopback, so the visitor's own card
/// is the server's public address.
/// </summary>
[Trait("Category", "Browser")]
public sealed partial class ProgressiveEnhancementTests(BrowserSite site) : IClassFixture<BrowserSite>
{
    [GeneratedRegex(@"[?&]handler=Card\b")]
    private static partial Regex FragmentUrl();

    private static bool IsFragmentRequest(string url) => FragmentUrl().IsMatch(url);

    [BrowserFact]
    public async Task BrowserRunsThePageUnderTheStrictPolicyNotTheSitesOwn()
    {
        await using var tab = await site.OpenAsync(Look.DesktopLight);

        var response = await tab.Page.GotoAsync("/");
        var fragment = await tab.Page.APIRequest.GetAsync("/?handler=Card");

        // Otherwise every "no CSP violation" assertion in these tests would be about a laxer policy.
        Assert.Equal(BrowserSite.ContentSecurityPolicy, await response!.HeaderValueAsync("content-security-policy"));
        Assert.Equal(BrowserSite.ContentSecurityPolicy, fragment.Headers["content-security-policy"]);
        await Expect(tab.CardAddress).ToHaveTextAsync(IpApiEmulator.ServerAddress);
        Assert.Empty(tab.ConsoleErrors);
    }

    [BrowserFact]
    public async Task WithoutJavaScriptTheCardRefreshAndLookupWorkThroughFullPageLoads()
    {
        await using var tab = await site.OpenAsync(Look.DesktopLight, javaScript: false);
        var page = tab.Page;

        await tab.GoHomeAsync();
        await Expect(tab.Card).ToContainTextAsync("London");
        await tab.ScreenshotAsync("nojs-visitor");

        await tab.RefreshButton.ClickAsync();
        await tab.WaitForPathAsync("/?refresh=1");
        await Expect(tab.CardAddress).ToHaveTextAsync(IpApiEmulator.ServerAddress);

        await tab.LookUpFromTheKeyboardAsync("8.8.8.8");
        await Expect(tab.Card).ToContainTextAsync("Ashburn");
        await tab.ScreenshotAsync("nojs-lookup");

        Assert.Empty(tab.ConsoleErrors);
    }

    [BrowserFact]
    public async Task RefreshReplacesOnlyTheCardWithOneFragmentRequest()
    {
        // The emulator's answer changes between the page load and the refresh, as real data may.
        const string address = "9.9.9.9";
        var path = Request.Create().WithPath(IpApiEmulator.PathFor(address)).UsingGet();
        site.Upstream.Server.Given(path).InScenario(nameof(RefreshReplacesOnlyTheCardWithOneFragmentRequest))
            .WillSetStateTo("refreshed")
            .RespondWith(Response.Create().WithBodyAsJson(new { status = "success", query = address, isp = "Quad9 before" }));
        site.Upstream.Server.Given(path).InScenario(nameof(RefreshReplacesOnlyTheCardWithOneFragmentRequest))
            .WhenStateIs("refreshed")
            .RespondWith(Response.Create().WithBodyAsJson(new { status = "success", query = address, isp = "Quad9 after" }));
        await using var tab = await site.OpenAsync(Look.DesktopLight);
        var page = tab.Page;
        await page.GotoAsync("/?ip=" + address);
        await Expect(tab.Card).ToContainTextAsync("Quad9 before");
        await tab.TagAsync("form.lookup");
        await tab.TagAsync("h1");
        var requests = new List<IRequest>();
        page.Request += (_, request) => requests.Add(request);

        var response = await page.RunAndWaitForResponseAsync(() => tab.RefreshButton.ClickAsync(), r => IsFragmentRequest(r.Url));
        await Expect(tab.Card).ToContainTextAsync("Quad9 after");

        var request = Assert.Single(requests);
        Assert.True(IsFragmentRequest(request.Url), request.Url);
        Assert.Contains("refresh=1", request.Url, StringComparison.Ordinal);
        var fragment = await new HtmlParser().ParseDocumentAsync(await response.TextAsync());
        Assert.Null(fragment.Doctype);
        Assert.Empty(fragment.Head!.Children);
        Assert.Null(fragment.QuerySelector("title"));
        Assert.Empty(fragment.QuerySelectorAll("header, main, footer"));
        Assert.Equal(address, fragment.Card().QuerySelector(".address")!.TextContent.Trim());
        Assert.True(await tab.IsSameNodeAsync("form.lookup"), "The lookup form was replaced: the page reloaded.");
        Assert.True(await tab.IsSameNodeAsync("h1"), "The heading was replaced: the page reloaded.");
        Assert.Equal("/?ip=" + address, new Uri(page.Url).PathAndQuery);
        await Expect(tab.CardRegion).Not.ToHaveAttributeAsync("aria-busy", "true");
        await Expect(tab.RefreshButton).ToBeFocusedAsync();
        Assert.Empty(tab.ConsoleErrors);
    }

    [BrowserFact]
    public async Task RefreshSaysItIsLoadingWhileTheRequestIsInFlight()
    {
        await using var tab = await site.OpenAsync(Look.PhoneDark);
        var page = tab.Page;
        await tab.GoHomeAsync();
        var release = new TaskCompletionSource();
        await page.RouteAsync(IsFragmentRequest, async route =>
        {
            await release.Task;
            await route.ContinueAsync();
        });

        await tab.RefreshButton.ClickAsync();

        await Expect(tab.RefreshButton).ToBeDisabledAsync();
        await Expect(tab.RefreshButton).ToHaveAccessibleNameAsync("Loading…");
        await Expect(tab.CardRegion).ToHaveAttributeAsync("aria-busy", "true");
        release.SetResult();
        await Expect(tab.RefreshButton).ToBeEnabledAsync();
        await Expect(tab.RefreshButton).ToHaveAccessibleNameAsync("Refresh");
        await Expect(tab.CardRegion).Not.ToHaveAttributeAsync("aria-busy", "true");
        Assert.Empty(tab.ConsoleErrors);
    }

    [BrowserFact]
    public async Task LookupUpdatesTheAddressBarAndBackShowsThePreviousCard()
    {
        await using var tab = await site.OpenAsync(Look.DesktopLight);
        var page = tab.Page;
        await tab.GoHomeAsync();
        await tab.TagAsync("h1");

        // From the keyboard: type, Enter.
        await tab.LookUpFromTheKeyboardAsync("8.8.8.8");
        await Expect(tab.CardTitle).ToBeFocusedAsync();
        await Expect(page).ToHaveTitleAsync("8.8.8.8 — RazorIpInfo");

        await tab.Field.FillAsync("2001:4860:4860::8888");
        await tab.LookupButton.ClickAsync();
        await tab.WaitForPathAsync("/?ip=" + Uri.EscapeDataString("2001:4860:4860::8888"));
        await Expect(tab.CardAddress).ToHaveTextAsync("2001:4860:4860::8888");
        Assert.True(await tab.IsSameNodeAsync("h1"), "The page reloaded instead of swapping the card.");

        await page.GoBackAsync();
        await tab.WaitForPathAsync("/?ip=8.8.8.8");
        await Expect(tab.CardAddress).ToHaveTextAsync("8.8.8.8");
        await Expect(tab.Field).ToHaveValueAsync("8.8.8.8");

        await page.GoBackAsync();
        await tab.WaitForPathAsync("/");
        await Expect(tab.CardAddress).ToHaveTextAsync(IpApiEmulator.ServerAddress);
        await Expect(page).ToHaveTitleAsync("What is my IP? — RazorIpInfo");

        await page.GoForwardAsync();
        await Expect(tab.CardAddress).ToHaveTextAsync("8.8.8.8");
        Assert.Empty(tab.ConsoleErrors);
    }

    [BrowserFact]
    public async Task BadAddressThroughTheFormKeepsTheCardAndShowsTheErrorBesideTheField()
    {
        await using var tab = await site.OpenAsync(Look.DesktopLight);
        var page = tab.Page;
        await tab.GoHomeAsync();
        await tab.TagAsync("h1");
        var upstreamCalls = site.Upstream.Requests.Count;

        await tab.Field.FillAsync("999.1.1.1");
        await tab.Field.PressAsync("Enter");

        await Expect(page.Locator("#ip-error")).ToHaveTextAsync("That is not an IP address.");
        await Expect(tab.CardAddress).ToHaveTextAsync(IpApiEmulator.ServerAddress);
        Assert.Equal("/", new Uri(page.Url).PathAndQuery);
        await Expect(tab.Field).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(tab.Field).ToHaveAccessibleDescriptionAsync(new Regex("That is not an IP address"));
        await Expect(tab.Field).ToBeFocusedAsync();
        Assert.True(await tab.IsSameNodeAsync("h1"), "The page reloaded instead of swapping the card.");
        Assert.Equal(upstreamCalls, site.Upstream.Requests.Count);

        await tab.Field.FillAsync("8.8.8.8");
        await tab.Field.PressAsync("Enter");
        await Expect(tab.CardAddress).ToHaveTextAsync("8.8.8.8");
        await Expect(page.Locator("#ip-error")).ToHaveCountAsync(0);
        await Expect(tab.Field).ToHaveAttributeAsync("aria-invalid", "false");
        Assert.Empty(tab.ConsoleErrors);
    }

    [BrowserFact]
    public async Task UnreachableServerShowsAMessageAndKeepsTheCard()
    {
        await using var tab = await site.OpenAsync(Look.DesktopLight);
        var page = tab.Page;
        await tab.GoHomeAsync();
        await Expect(page.Locator("#request-error")).ToBeHiddenAsync();
        await page.RouteAsync(IsFragmentRequest, route => route.AbortAsync("connectionrefused"));

        await tab.RefreshButton.ClickAsync();

        await Expect(page.Locator("#request-error")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("could not be updated");
        await Expect(tab.CardAddress).ToHaveTextAsync(IpApiEmulator.ServerAddress);
        await Expect(tab.RefreshButton).ToBeEnabledAsync();
        await Expect(tab.CardRegion).Not.ToHaveAttributeAsync("aria-busy", "true");

        // Once the server answers again, the message goes with the next request.
        await page.UnrouteAllAsync();
        await tab.RefreshButton.ClickAsync();
        await Expect(page.Locator("#request-error")).ToBeHiddenAsync();
        // The failed request itself is reported (by the browser and by htmx), and nothing else.
        Assert.All(tab.ConsoleErrors, error => Assert.Matches("ERR_CONNECTION_REFUSED|htmx:sendError|htmx:afterRequest", error));
    }
}
