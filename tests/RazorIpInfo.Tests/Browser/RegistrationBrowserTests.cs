using Microsoft.Playwright;
using RazorIpInfo.Tests.Infrastructure;
using RazorIpInfo.Tests.Lookup.Rdap;
using static Microsoft.Playwright.Assertions;

namespace RazorIpInfo.Tests.Browser;

/// <summary>The browser site in front of emulated registries (<see cref="RdapRegistries"/>).</summary>
public sealed class RegistrationBrowserSite : IAsyncLifetime
{
    private RazorIpInfoFactory? app;

    public RdapRegistries Registries { get; private set; } = null!;

    public BrowserSite Site { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Registries = await RdapRegistries.StartAsync();
        Site = new BrowserSite
        {
            ConfigureFactory = factory =>
            {
                Registries.Configure(factory);
                app = factory;
            },
        };
        await Site.InitializeAsync();
        if (app is not null)
        {
            await RdapRegistries.UntilBootstrapIsLoadedAsync(app.Services);
        }
    }

    public async Task DisposeAsync()
    {
        await Site.DisposeAsync();
        await Registries.DisposeAsync();
    }
}

/// <summary>The card's registration section in a real browser: loaded in place when opened, or its own page without JavaScript.</summary>
[Trait("Category", "Browser")]
public sealed class RegistrationBrowserTests(RegistrationBrowserSite fixture) : IClassFixture<RegistrationBrowserSite>
{
    private readonly BrowserSite site = fixture.Site;

    [BrowserTheory]
    [InlineData("DesktopLight")]
    [InlineData("PhoneDark")]
    public async Task Opening_the_section_loads_the_registration_into_the_card_without_leaving_the_page(string lookName)
    {
        var look = lookName == "PhoneDark" ? Look.PhoneDark : Look.DesktopLight;
        await using var tab = await site.OpenAsync(look);
        var page = tab.Page;
        await page.GotoAsync("/?ip=" + RdapRegistries.ArinAddress);
        await Expect(tab.CardAddress).ToHaveTextAsync(RdapRegistries.ArinAddress);
        await tab.TagAsync("h1");
        var section = page.Locator("#ip-card details.registration");
        await Expect(section).Not.ToContainTextAsync("network-abuse@google.com");

        var response = await page.RunAndWaitForResponseAsync(
            () => section.Locator("summary").ClickAsync(), r => r.Url.Contains("/registration?ip=", StringComparison.Ordinal));

        Assert.Equal(200, response.Status);
        await Expect(section.Locator(".registration-body a[href='mailto:network-abuse@google.com']")).ToBeVisibleAsync();
        await Expect(section).ToContainTextAsync("Google LLC");
        Assert.True(await tab.IsSameNodeAsync("h1"), "The page reloaded instead of loading the section in place.");
        Assert.Equal("/?ip=" + RdapRegistries.ArinAddress, new Uri(page.Url).PathAndQuery);
        await tab.ScreenshotAsync("registration-open");
        await tab.AssertAccessibleAsync("registration-open");
        Assert.Empty(tab.ConsoleErrors);
    }

    [BrowserFact]
    public async Task Without_javascript_the_section_links_to_the_registration_page()
    {
        await using var tab = await site.OpenAsync(Look.DesktopLight, javaScript: false);
        var page = tab.Page;
        await page.GotoAsync("/?ip=" + RdapRegistries.ArinAddress);
        var section = page.Locator("#ip-card details.registration");

        await section.Locator("summary").ClickAsync();
        await section.Locator(".registration-body a").ClickAsync();

        await tab.WaitForPathAsync("/registration?ip=" + RdapRegistries.ArinAddress);
        await Expect(page.Locator("h1")).ToHaveTextAsync(RdapRegistries.ArinAddress);
        await Expect(page.Locator(".registration-body a[href='mailto:network-abuse@google.com']")).ToBeVisibleAsync();
        await Expect(page.Locator(".registration-body")).ToContainTextAsync("+1-650-253-0000");
        await tab.ScreenshotAsync("nojs-registration-page");
        Assert.Empty(tab.ConsoleErrors);
    }

    [BrowserFact]
    public async Task The_registration_page_and_a_registry_failure_pass_axe()
    {
        await using var tab = await site.OpenAsync(Look.DesktopLight);
        await tab.Page.GotoAsync("/registration?ip=" + RdapRegistries.RipeAddress);
        await tab.AssertAccessibleAsync("registration-page");

        await tab.Page.GotoAsync("/registration?ip=" + RdapRegistries.HugeAddress);
        await Expect(tab.Page.Locator(".registration-body .note")).ToBeVisibleAsync();
        await tab.ScreenshotAsync("registration-failed");
        await tab.AssertAccessibleAsync("registration-failed");
        Assert.Empty(tab.ConsoleErrors);
    }
}
