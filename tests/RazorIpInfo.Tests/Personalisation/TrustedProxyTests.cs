using System.Net;
using Microsoft.AspNetCore.Http;
using RazorIpInfo.Tests.Infrastructure;

namespace RazorIpInfo.Tests.Personalisation;

/// <summary>
/// Whose address is looked up, given the peer that connected and the forwarded chain it sent. Modelled on
/// aspnetcore's ForwardedHeadersMiddleware tests: the peer is set on the connection, and the upstream
/// emulator's request log says which address was actually looked up (null: the server's own).
/// </summary>
public sealed class TrustedProxyTests : EmulatedUpstreamTests
{
    public static TheoryData<string, string, string, string?> Chains => new()
    {
        // peer, X-Forwarded-For, extra settings (key=value;...), address looked up
        { "9.9.9.9", "8.8.8.8", "", "9.9.9.9" },
        { "127.0.0.1", "8.8.8.8", "", "8.8.8.8" },
        { "::1", "8.8.8.8", "", "8.8.8.8" },
        { "127.0.0.1", "1.1.1.1, 8.8.8.8", "", "8.8.8.8" },
        { "127.0.0.1", "8.8.8.8:5555", "", "8.8.8.8" },
        { "127.0.0.1", "[2001:4860:4860::8888]:443", "", "2001:4860:4860::8888" },
        { "127.0.0.1", "2001:4860:4860::8888", "", "2001:4860:4860::8888" },
        { "10.0.0.1", "8.8.8.8", "", null },
        { "10.0.0.1", "8.8.8.8", "ForwardedHeaders:KnownNetworks:0=10.0.0.0/8", "8.8.8.8" },
        { "10.0.0.1", "9.9.9.9, 8.8.8.8, 10.0.0.3, 10.0.0.2", "ForwardedHeaders:KnownNetworks:0=10.0.0.0/8;ForwardedHeaders:ForwardLimit=5", "8.8.8.8" },
        { "10.0.0.1", "8.8.8.8, 10.0.0.3, 10.0.0.2", "ForwardedHeaders:KnownNetworks:0=10.0.0.0/8;ForwardedHeaders:ForwardLimit=2", null },
        { "10.0.0.1", "8.8.8.8", "ForwardedHeaders:KnownProxies:0=10.0.0.1", "8.8.8.8" },
        { "10.0.0.2", "8.8.8.8", "ForwardedHeaders:KnownProxies:0=10.0.0.1", null },
        { "127.0.0.1", "8.8.8.8, garbage", "", null },
        { "127.0.0.1", "garbage", "", null },
        { "127.0.0.1", string.Join(", ", Enumerable.Repeat("9.9.9.9", 2000)) + ", 8.8.8.8", "", "8.8.8.8" },
    };

    [Theory]
    [MemberData(nameof(Chains))]
    public async Task LookupUsesTheRightMostAddressNotVouchedForByATrustedProxy(string peer, string forwardedFor, string settings, string? lookedUp)
    {
        await using var app = Configured(settings);

        await app.Server.SendAsync(context => Get(context, "/api/ip-info", peer, ("X-Forwarded-For", forwardedFor)));

        AssertOnlyLookedUp(lookedUp);
    }

    [Theory]
    [InlineData("127.0.0.1", "8.8.8.8")]
    [InlineData("9.9.9.9", "9.9.9.9")]
    public async Task ConfiguredClientIpHeaderIsHonouredOnlyFromATrustedProxy(string peer, string lookedUp)
    {
        await using var app = Configured("ForwardedHeaders:ClientIpHeader=CF-Connecting-IP");

        await app.Server.SendAsync(context => Get(context, "/api/ip-info", peer, ("CF-Connecting-IP", "8.8.8.8")));

        AssertOnlyLookedUp(lookedUp);
    }

    [Fact]
    public async Task ConfiguredClientIpHeaderReplacesXForwardedFor()
    {
        await using var app = Configured("ForwardedHeaders:ClientIpHeader=X-Real-IP");

        await app.Server.SendAsync(context => Get(context, "/api/ip-info", "127.0.0.1", ("X-Forwarded-For", "8.8.8.8")));

        Assert.Equal(IpApiEmulator.PathFor(null), Assert.Single(Upstream.Requests).RequestMessage!.Path);
    }

    // A bad proxy setting stops start-up: see Observability/ConfigurationErrorTests, which starts the site as an operator does.

    // All, not Single: under load a slow first attempt may be retried, which is not what this is about.
    private void AssertOnlyLookedUp(string? address)
    {
        Assert.NotEmpty(Upstream.Requests);
        Assert.All(Upstream.Requests, request => Assert.Equal(IpApiEmulator.PathFor(address), request.RequestMessage!.Path));
    }

    private RazorIpInfoFactory Configured(string settings)
    {
        var app = new RazorIpInfoFactory(Upstream);
        foreach (var pair in settings.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var (key, value) = (pair[..pair.IndexOf('=', StringComparison.Ordinal)], pair[(pair.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            app.Settings[key] = value;
        }

        return app;
    }

    internal static void Get(HttpContext context, string pathAndQuery, string peer, params (string Name, string Value)[] headers)
    {
        var uri = new Uri("http://localhost" + pathAndQuery);
        context.Request.Method = HttpMethods.Get;
        context.Request.Path = uri.AbsolutePath;
        context.Request.QueryString = new QueryString(uri.Query);
        context.Connection.RemoteIpAddress = IPAddress.Parse(peer);
        foreach (var (name, value) in headers)
        {
            context.Request.Headers[name] = value;
        }
    }
}
