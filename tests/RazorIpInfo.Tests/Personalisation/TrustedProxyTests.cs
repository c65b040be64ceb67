using System.Net;
using Microsoft.AspNetCore.Http;
using RazorIpInfo.Tests.Infrastructure;

namespace RazorIpInfo.Tests.Personalisation;

/// <summary>
/// Whose address is looked up, given the peer that connected and the forwarded chain it sent. Modelled on
/// aspnetcore's ForwardedHeadersMiddleware tests: the peer is set on the connection, and the upstream
/// emulator's request log says which address was actually looked up (null: the server's own).
/// </summary>
/// <remarks>
/// The chains for the factory's default proxy settings share one in-memory site (the peer is set on the request,
/// which no loopback connection can fake), each looking up an address no other row looks up: once looked up, an
/// address is answered from the cache and the log would say nothing. Settings of a row's own, and the server's own
/// address (cached after its first lookup), take a site of their own, in front of an emulator of their own.
/// </remarks>
public sealed class TrustedProxyTests(SharedInMemorySite site) : IClassFixture<SharedInMemorySite>
{
    public static TheoryData<string, string, string> Chains => new()
    {
        // peer, X-Forwarded-For, address looked up
        { "9.9.9.9", "8.8.8.8", "9.9.9.9" },
        { "127.0.0.1", "8.8.8.8", "8.8.8.8" },
        { "::1", "8.8.4.4", "8.8.4.4" },
        { "127.0.0.1", "8.8.8.8, 1.1.1.1", "1.1.1.1" },
        { "127.0.0.1", "1.0.0.1:5555", "1.0.0.1" },
        { "127.0.0.1", "[2001:4860:4860::8888]:443", "2001:4860:4860::8888" },
        { "127.0.0.1", "2001:4860:4860::8844", "2001:4860:4860::8844" },
        { "127.0.0.1", string.Join(", ", Enumerable.Repeat("9.9.9.9", 2000)) + ", 149.112.112.112", "149.112.112.112" },
    };

    [Theory]
    [MemberData(nameof(Chains))]
    public async Task LookupUsesTheRightMostAddressNotVouchedForByATrustedProxy(string peer, string forwardedFor, string lookedUp)
    {
        var before = site.Upstream.Requests.Count;

        await site.App.Server.SendAsync(context => Get(context, "/api/ip-info", peer, ("X-Forwarded-For", forwardedFor)));

        AssertOnlyLookedUp([.. site.Upstream.Requests.Skip(before)], lookedUp);
    }

    public static TheoryData<string, string, string, string?> ChainsForASiteOfTheirOwn => new()
    {
        // peer, X-Forwarded-For, extra settings (key=value;...), address looked up
        { "10.0.0.1", "8.8.8.8", "", null },
        { "10.0.0.1", "8.8.8.8", "ForwardedHeaders:KnownNetworks:0=10.0.0.0/8", "8.8.8.8" },
        { "10.0.0.1", "9.9.9.9, 8.8.8.8, 10.0.0.3, 10.0.0.2", "ForwardedHeaders:KnownNetworks:0=10.0.0.0/8;ForwardedHeaders:ForwardLimit=5", "8.8.8.8" },
        { "10.0.0.1", "8.8.8.8, 10.0.0.3, 10.0.0.2", "ForwardedHeaders:KnownNetworks:0=10.0.0.0/8;ForwardedHeaders:ForwardLimit=2", null },
        { "10.0.0.1", "8.8.8.8", "ForwardedHeaders:KnownProxies:0=10.0.0.1", "8.8.8.8" },
        { "10.0.0.2", "8.8.8.8", "ForwardedHeaders:KnownProxies:0=10.0.0.1", null },
        { "127.0.0.1", "8.8.8.8, garbage", "", null },
        { "127.0.0.1", "garbage", "", null },
    };

    [Theory]
    [MemberData(nameof(ChainsForASiteOfTheirOwn))]
    public async Task ConfiguredProxiesAndChainsWithNothingToTrustDecideTheLookupToo(string peer, string forwardedFor, string settings, string? lookedUp)
    {
        using var upstream = IpApiEmulator.Start();
        await using var app = Configured(upstream, settings);

        await app.Server.SendAsync(context => Get(context, "/api/ip-info", peer, ("X-Forwarded-For", forwardedFor)));

        AssertOnlyLookedUp(upstream.Requests, lookedUp);
    }

    [Theory]
    [InlineData("127.0.0.1", "8.8.8.8")]
    [InlineData("9.9.9.9", "9.9.9.9")]
    public async Task ConfiguredClientIpHeaderIsHonouredOnlyFromATrustedProxy(string peer, string lookedUp)
    {
        using var upstream = IpApiEmulator.Start();
        await using var app = Configured(upstream, "ForwardedHeaders:ClientIpHeader=CF-Connecting-IP");

        await app.Server.SendAsync(context => Get(context, "/api/ip-info", peer, ("CF-Connecting-IP", "8.8.8.8")));

        AssertOnlyLookedUp(upstream.Requests, lookedUp);
    }

    [Fact]
    public async Task ConfiguredClientIpHeaderReplacesXForwardedFor()
    {
        using var upstream = IpApiEmulator.Start();
        await using var app = Configured(upstream, "ForwardedHeaders:ClientIpHeader=X-Real-IP");

        await app.Server.SendAsync(context => Get(context, "/api/ip-info", "127.0.0.1", ("X-Forwarded-For", "8.8.8.8")));

        Assert.Equal(IpApiEmulator.PathFor(null), Assert.Single(upstream.Requests).RequestMessage!.Path);
    }

    // A bad proxy setting stops start-up: see Observability/ConfigurationErrorTests, which starts the site as an operator does.

    // All, not Single: under load a slow first attempt may be retried, which is not what this is about.
    private static void AssertOnlyLookedUp(IReadOnlyList<WireMock.Logging.ILogEntry> requests, string? address)
    {
        Assert.NotEmpty(requests);
        Assert.All(requests, request => Assert.Equal(IpApiEmulator.PathFor(address), request.RequestMessage!.Path));
    }

    private static RazorIpInfoFactory Configured(IpApiEmulator upstream, string settings)
    {
        var app = new RazorIpInfoFactory(upstream);
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
