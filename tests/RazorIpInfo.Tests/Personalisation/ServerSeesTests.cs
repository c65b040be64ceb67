using AngleSharp.Dom;
using RazorIpInfo.Tests.Infrastructure;

namespace RazorIpInfo.Tests.Personalisation;

public sealed class ServerSeesTests : EmulatedUpstreamTests
{
    [Fact]
    public async Task PanelShowsTheRequestAsTheServerReadIt()
    {
        await using var app = new RazorIpInfoFactory(Upstream);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/?ip=8.8.8.8");
        request.Headers.TryAddWithoutValidation("User-Agent", "Mozilla/5.0 TestBrowser/1.0");
        request.Headers.TryAddWithoutValidation("Accept-Language", "de-AT,de; q=0.9");

        var panel = Panel(await Html.ParseAsync(await app.CreateClient().SendAsync(request)));

        Assert.Equal("Mozilla/5.0 TestBrowser/1.0", Fact(panel, "user-agent"));
        Assert.Equal("de-AT,de; q=0.9", Fact(panel, "accept-language"));
        Assert.Contains("(de)", Fact(panel, "language"), StringComparison.Ordinal);
        Assert.Contains("Accept-Language", Fact(panel, "language"), StringComparison.Ordinal);
        Assert.Equal("HTTP/1.1", Fact(panel, "protocol"));
    }

    [Fact]
    public async Task PanelShowsTheForwardedChainAsInterpreted()
    {
        await using var app = new RazorIpInfoFactory(Upstream);
        app.Settings["ForwardedHeaders:KnownNetworks:0"] = "10.0.0.0/8";
        app.Settings["ForwardedHeaders:ForwardLimit"] = "5";

        var context = await app.Server.SendAsync(c => TrustedProxyTests.Get(c, "/", "10.0.0.1",
            ("X-Forwarded-For", "9.9.9.9, 8.8.8.8, 10.0.0.2"), ("Accept", "text/html")));
        var panel = Panel(await Html.ParseAsync(new HttpResponseMessage { Content = new StreamContent(context.Response.Body) }));

        Assert.Contains("10.0.0.1", Fact(panel, "connection"), StringComparison.Ordinal);
        Assert.Contains("trusted proxy", Fact(panel, "connection"), StringComparison.Ordinal);
        Assert.Equal(
            [("9.9.9.9", "Ignored"), ("8.8.8.8", "Client"), ("10.0.0.2", "TrustedProxy")],
            panel.QuerySelectorAll(".chain li").Select(li => (li.QuerySelector("code")!.TextContent, li.GetAttribute("data-role")!)));
        Assert.Equal("8.8.8.8", Fact(panel, "client-address"));
    }

    [Fact]
    public async Task ForwardedHeaderFromAnUntrustedPeerIsShownAsIgnored()
    {
        await using var app = new RazorIpInfoFactory(Upstream);

        var context = await app.Server.SendAsync(c => TrustedProxyTests.Get(c, "/", "9.9.9.9",
            ("X-Forwarded-For", "8.8.8.8"), ("Accept", "text/html")));
        var panel = Panel(await Html.ParseAsync(new HttpResponseMessage { Content = new StreamContent(context.Response.Body) }));

        Assert.Contains("Direct", Fact(panel, "connection"), StringComparison.Ordinal);
        Assert.Equal("Ignored", panel.QuerySelector(".chain li")!.GetAttribute("data-role"));
        Assert.Equal("9.9.9.9", Fact(panel, "client-address"));
    }

    [Fact]
    public async Task HostileUserAgentIsShownAsText()
    {
        const string hostile = "<script>alert(1)</script><img src=x onerror=alert(2)>";
        await using var app = new RazorIpInfoFactory(Upstream);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/?ip=8.8.8.8");
        request.Headers.TryAddWithoutValidation("User-Agent", hostile);

        var page = await Html.ParseAsync(await app.CreateClient().SendAsync(request));

        Assert.Equal(hostile, Fact(Panel(page), "user-agent"));
        Assert.Empty(page.QuerySelectorAll("#server-sees script, #server-sees img"));
    }

    [Fact]
    public async Task CookiesAndCredentialsAreNeverShown()
    {
        await using var app = new RazorIpInfoFactory(Upstream);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/?ip=8.8.8.8");
        request.Headers.TryAddWithoutValidation("Cookie", "session=cookie-secret-value");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer authorization-secret-value");
        request.Headers.TryAddWithoutValidation("X-Api-Key", "api-key-secret-value");

        var page = await Html.ParseAsync(await app.CreateClient().SendAsync(request));

        var text = page.Body!.TextContent;
        Assert.DoesNotContain("secret-value", text, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-value", page.DocumentElement.OuterHtml, StringComparison.Ordinal);
    }

    private static IElement Panel(IDocument page) =>
        page.QuerySelector("#server-sees") ?? throw new Xunit.Sdk.XunitException("The page has no #server-sees panel.");

    private static string Fact(IElement panel, string name) =>
        panel.QuerySelector($"[data-fact={name}] dd")!.TextContent.Trim();
}
