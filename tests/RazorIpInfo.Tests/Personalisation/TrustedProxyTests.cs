using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using RazorIpInfo.Tests.Infrastructure;

namespace RazorIpInfo.Tests.Personalisation;

/// <summary>
/// Whose address is looked up, given the peer that connected and the forwarded chain it sent. Modelled on
/// aspnetcore's ForwardedHeadersMiddleware tests: the peer is set on the connection, and the answer says whose
/// record came back while the upstream emulator's request log says that nothing else was looked up.
/// </summary>
/// <remarks>
/// The rows share one in-memory site per proxy configuration (<see cref="ProxySites"/>; the peer is set on the
/// request, which no loopback connection can fake). Each row of a site that expects a forwarded address forwards
/// one no earlier row of that site looked up; rows that expect the server's own address read it from the answer,
/// as it is cached after its first lookup. A wrongly trusted forwarded address would show in the answer even when
/// an earlier row's lookup had cached it.
/// </remarks>
public sealed class TrustedProxyTests(TrustedProxyTests.ProxySites sites) : IClassFixture<TrustedProxyTests.ProxySites>
{
    private const string LimitedNetwork = "ForwardedHeaders:KnownNetworks:0=10.0.0.0/8;ForwardedHeaders:ForwardLimit=";

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
    public async Task LookupUsesTheRightMostAddressNotVouchedForByATrustedProxy(string peer, string forwardedFor, string lookedUp) =>
        await AssertLooksUpAsync("", peer, ("X-Forwarded-For", forwardedFor), lookedUp);

    public static TheoryData<string, string, string, string?> ChainsForASiteOfTheirOwn => new()
    {
        // peer, X-Forwarded-For, settings (key=value;...), address looked up (null: the server's own)
        { "10.0.0.1", "8.8.8.8", "", null },
        { "10.0.0.1", "8.8.8.8", LimitedNetwork + "5", "8.8.8.8" },
        { "10.0.0.1", "9.9.9.9, 1.1.1.1, 10.0.0.3, 10.0.0.2", LimitedNetwork + "5", "1.1.1.1" },
        { "10.0.0.1", "8.8.8.8, 10.0.0.3, 10.0.0.2", LimitedNetwork + "2", null },
        { "10.0.0.1", "8.8.8.8", "ForwardedHeaders:KnownProxies:0=10.0.0.1", "8.8.8.8" },
        { "10.0.0.2", "8.8.8.8", "ForwardedHeaders:KnownProxies:0=10.0.0.1", null },
        { "127.0.0.1", "8.8.8.8, garbage", "", null },
        { "127.0.0.1", "garbage", "", null },
    };

    [Theory]
    [MemberData(nameof(ChainsForASiteOfTheirOwn))]
    public async Task ConfiguredProxiesAndChainsWithNothingToTrustDecideTheLookupToo(string peer, string forwardedFor, string settings, string? lookedUp) =>
        await AssertLooksUpAsync(settings, peer, ("X-Forwarded-For", forwardedFor), lookedUp);

    private const string ClientIpHeader = "ForwardedHeaders:ClientIpHeader=CF-Connecting-IP";

    [Theory]
    [InlineData("127.0.0.1", "8.8.8.8")]
    [InlineData("9.9.9.9", "9.9.9.9")]
    public async Task ConfiguredClientIpHeaderIsHonouredOnlyFromATrustedProxy(string peer, string lookedUp) =>
        await AssertLooksUpAsync(ClientIpHeader, peer, ("CF-Connecting-IP", "8.8.8.8"), lookedUp);

    [Fact]
    public async Task ConfiguredClientIpHeaderReplacesXForwardedFor() =>
        await AssertLooksUpAsync(ClientIpHeader, "127.0.0.1", ("X-Forwarded-For", "8.8.8.8"), null);

    // A bad proxy setting stops start-up: see Observability/ConfigurationErrorTests, which starts the site as an operator does.

    /// <summary>
    /// The answer is <paramref name="lookedUp"/>'s record (null: the server's own), and the upstream was asked about
    /// nothing else meanwhile: all, not one, since under load a slow first attempt may be retried.
    /// </summary>
    private async Task AssertLooksUpAsync(string settings, string peer, (string Name, string Value) header, string? lookedUp)
    {
        var app = sites.For(settings);
        var before = sites.Upstream.Requests.Count;

        var context = await app.Server.SendAsync(c => Get(c, "/api/ip-info", peer, header));

        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        var answer = await JsonSerializer.DeserializeAsync<JsonElement>(context.Response.Body);
        Assert.Equal(lookedUp ?? IpApiEmulator.ServerAddress, answer.GetProperty("address").GetString());
        Assert.All(sites.Upstream.Requests.Skip(before), request => Assert.Equal(IpApiEmulator.PathFor(lookedUp), request.RequestMessage!.Path));
    }

    /// <summary>
    /// One in-memory site per proxy configuration the rows name, made when a row first needs it, in front of one
    /// emulator that answers every address. xunit runs a class's tests one at a time, so the requests logged while a
    /// test runs are that test's.
    /// </summary>
    public sealed class ProxySites : IAsyncLifetime
    {
        private readonly Dictionary<string, RazorIpInfoFactory> sites = [];

        public IpApiEmulator Upstream { get; } = IpApiEmulator.Start();

        public RazorIpInfoFactory For(string settings)
        {
            if (!sites.TryGetValue(settings, out var app))
            {
                app = new RazorIpInfoFactory(Upstream);
                foreach (var pair in settings.Split(';', StringSplitOptions.RemoveEmptyEntries))
                {
                    var equals = pair.IndexOf('=', StringComparison.Ordinal);
                    app.Settings[pair[..equals]] = pair[(equals + 1)..];
                }

                sites[settings] = app;
            }

            return app;
        }

        public Task InitializeAsync()
        {
            Upstream.AnswerEveryAddress(TimeSpan.Zero);
            return Task.CompletedTask;
        }

        public async Task DisposeAsync()
        {
            foreach (var app in sites.Values)
            {
                await app.DisposeAsync();
            }

            Upstream.Dispose();
        }
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
