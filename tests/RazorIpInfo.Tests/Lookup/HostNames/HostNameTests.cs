using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using RazorIpInfo.Lookup.HostNames;
using RazorIpInfo.Tests.Infrastructure;

namespace RazorIpInfo.Tests.Lookup.HostNames;

public sealed class HostNameInputTests
{
    [Theory]
    [InlineData("example.com", "example.com")]
    [InlineData("  Example.COM.  ", "example.com")]
    [InlineData("localhost", "localhost")]
    [InlineData("bücher.example", "xn--bcher-kva.example")]
    [InlineData("例え.テスト", "xn--r8jz45g.xn--zckzah")]
    [InlineData("a-b.c0.io", "a-b.c0.io")]
    public void NameIsAcceptedInItsAsciiForm(string typed, string ascii)
    {
        Assert.True(HostNameInput.TryNormalise(typed, out var name));
        Assert.Equal(ascii, name);
    }

    [Theory]
    [InlineData("")]
    [InlineData("exa mple.com")]
    [InlineData("a..b")]
    [InlineData(".example.com")]
    [InlineData("-a.com")]
    [InlineData("a-.com")]
    [InlineData("under_score.com")]
    [InlineData("1.2.3")] // a malformed address, not a name
    [InlineData("8.8.8.8.8")]
    [InlineData("example.com/path")]
    [InlineData("user@example.com")]
    [InlineData("<script>.com")]
    public void MalformedNameIsRefused(string typed) => Assert.False(HostNameInput.TryNormalise(typed, out _));

    [Fact]
    public void OverlongNamesAreRefused()
    {
        Assert.False(HostNameInput.TryNormalise(new string('a', 64) + ".com", out _)); // label over 63
        Assert.False(HostNameInput.TryNormalise(string.Join('.', Enumerable.Repeat(new string('a', 60), 5)), out _)); // over 253
        Assert.False(HostNameInput.TryNormalise(new string('a', 100_000), out _));
    }
}

/// <summary>Host names through the site, with the resolver replaced: what DNS says is up to each test.</summary>
public sealed class HostNameSiteTests : IDisposable
{
    private readonly IpApiEmulator upstream = IpApiEmulator.Start();
    private readonly ScriptedResolver resolver = new();
    private readonly RazorIpInfoFactory app;
    private readonly HttpClient client;

    public HostNameSiteTests()
    {
        app = new RazorIpInfoFactory(upstream);
        app.Settings["HostNames:Timeout"] = "00:00:00.300";
        client = app.WithWebHostBuilder(web => web.ConfigureTestServices(services =>
            services.AddSingleton<IHostNameResolver>(resolver))).CreateClient();
    }

    public void Dispose()
    {
        app.Dispose();
        upstream.Dispose();
    }

    [Fact]
    public async Task NameShowsEveryAddressAndTheCardOfTheFirstPublicOne()
    {
        resolver.Answers["dns.example"] = [IPAddress.Parse("10.0.0.1"), IPAddress.Parse("8.8.8.8"), IPAddress.Parse("2001:4860:4860::8888")];

        var page = await client.GetDocumentAsync("/?ip=dns.example");

        Assert.Equal("8.8.8.8", page.CardAddress());
        Assert.Equal("dns.example — RazorIpInfo", page.Title);
        Assert.Contains("dns.example resolves to these addresses in this server’s DNS", page.Card().TextContent, StringComparison.Ordinal);
        Assert.Equal(["/?ip=10.0.0.1", "/?ip=8.8.8.8", "/?ip=2001%3A4860%3A4860%3A%3A8888"],
            page.QuerySelectorAll(".host-addresses a").Select(a => a.GetAttribute("href")));
        Assert.Equal("8.8.8.8", page.QuerySelector(".host-addresses a[aria-current]")?.TextContent);
    }

    [Fact]
    public async Task JsonAndTextAnswerForTheNameToo()
    {
        resolver.Answers["dns.example"] = [IPAddress.Parse("8.8.8.8")];

        var json = await client.GetFromJsonAsync<JsonElement>("/api/ip-info/dns.example");
        var text = await client.GetStringAsync("/ip?ip=dns.example");

        Assert.Equal(("8.8.8.8", "dns.example"), (json.GetProperty("address").GetString(), json.GetProperty("hostName").GetString()));
        Assert.Equal(["8.8.8.8"], json.GetProperty("hostAddresses").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("8.8.8.8\n", text);
    }

    [Fact]
    public async Task NameWithOnlyPrivateAddressesGetsThePrivateExplanation()
    {
        resolver.Answers["printer.lan"] = [IPAddress.Parse("192.168.1.20"), IPAddress.Parse("fe80::1")];

        var page = await client.GetDocumentAsync("/?ip=printer.lan");
        var api = await client.GetAsync("/api/ip-info/printer.lan");
        var problem = await api.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Contains("This is a private address", page.Card().TextContent, StringComparison.Ordinal);
        Assert.Equal(2, page.QuerySelectorAll(".host-addresses li").Length);
        Assert.Equal((HttpStatusCode)422, api.StatusCode);
        Assert.Equal("printer.lan (192.168.1.20, fe80::1) belongs to a private or local network, so there is no public information about it.",
            problem.GetProperty("detail").GetString());
        Assert.Empty(upstream.Requests);
    }

    public static TheoryData<string, HttpStatusCode, string> Failures => new()
    {
        { "nxdomain.example", HttpStatusCode.NotFound, "Host name not found" },
        { "hangs.example", HttpStatusCode.GatewayTimeout, "Name lookup failed" },
        { "broken.example", HttpStatusCode.GatewayTimeout, "Name lookup failed" },
        { "bad_name.example", HttpStatusCode.BadRequest, "Not an IP address" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task NameThatCannotBeLookedUpIsExplainedNotFailed(string name, HttpStatusCode status, string title)
    {
        var started = TimeProvider.System.GetTimestamp();

        var api = await client.GetAsync("/api/ip-info/" + name);
        var text = await client.GetAsync("/country?ip=" + name);
        var page = await client.GetAsync("/?ip=" + name);

        Assert.Equal(status, api.StatusCode);
        Assert.Equal(title, (await api.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
        Assert.Equal((status, title + "\n"), (text.StatusCode, await text.Content.ReadAsStringAsync()));
        // The page answers a name that does not exist with 404 and a bad one with 400, decided before any
        // of it is sent; a resolver that fails gets a 200 page whose card explains.
        Assert.Equal(status == HttpStatusCode.GatewayTimeout ? HttpStatusCode.OK : status, page.StatusCode);
        Assert.Empty(upstream.Requests);
        // The hanging resolver is cut off at the configured 300 ms, three times, not left to hang the request.
        Assert.True(TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task AtMostEightAddressesAreShown()
    {
        resolver.Answers["many.example"] = [.. Enumerable.Range(1, 40).Select(i => IPAddress.Parse($"8.8.{i}.8"))];
        // The answer names the address asked; an answer about another address is refused as a lie.
        upstream.Answer("8.8.1.8", IpApiEmulator.Samples.Anywhere("8.8.1.8"));

        var json = await client.GetFromJsonAsync<JsonElement>("/api/ip-info/many.example");

        Assert.Equal(8, json.GetProperty("hostAddresses").GetArrayLength());
    }

    [Fact]
    public async Task AnswersAreReusedBriefly()
    {
        resolver.Answers["dns.example"] = [IPAddress.Parse("8.8.8.8")];

        await client.GetStringAsync("/ip?ip=dns.example");
        await client.GetStringAsync("/ip?ip=DNS.example.");

        Assert.Equal(1, resolver.Calls("dns.example"));
    }

    /// <summary>DNS as a test writes it: named answers, a name that does not exist, one that hangs, one whose resolver fails.</summary>
    private sealed class ScriptedResolver : IHostNameResolver
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> calls = new();

        public System.Collections.Concurrent.ConcurrentDictionary<string, IPAddress[]> Answers { get; } = new();

        public int Calls(string name) => calls.GetValueOrDefault(name);

        public async Task<IPAddress[]> ResolveAsync(string name, CancellationToken cancellationToken)
        {
            calls.AddOrUpdate(name, 1, (_, n) => n + 1);
            switch (name)
            {
                case "hangs.example":
                    await Task.Delay(Timeout.Infinite, CancellationToken.None); // ignores cancellation, as a stuck resolver might
                    break;
                case "broken.example":
                    throw new SocketException((int)SocketError.TryAgain);
            }

            return Answers.TryGetValue(name, out var addresses) ? addresses : throw new SocketException((int)SocketError.HostNotFound);
        }
    }
}

/// <summary>The real system resolver, on the one name every machine resolves to loopback without any network.</summary>
public sealed class SystemResolverTests : IDisposable
{
    private readonly IpApiEmulator upstream = IpApiEmulator.Start();

    public void Dispose() => upstream.Dispose();

    [Fact]
    public async Task LocalhostResolvesToLoopbackAndGetsThePrivateExplanation()
    {
        await using var app = new RazorIpInfoFactory(upstream);
        var client = app.CreateClient();

        var page = await client.GetDocumentAsync("/?ip=localhost");
        var api = await client.GetAsync("/api/ip-info/localhost");

        Assert.Equal("localhost", page.CardAddress());
        Assert.Contains("This is a private address", page.Card().TextContent, StringComparison.Ordinal);
        var listed = page.QuerySelectorAll(".host-addresses a").Select(a => IPAddress.Parse(a.TextContent)).ToList();
        Assert.NotEmpty(listed);
        Assert.All(listed, address => Assert.True(IPAddress.IsLoopback(address), address.ToString()));
        Assert.Equal((HttpStatusCode)422, api.StatusCode);
        Assert.Empty(upstream.Requests);
    }
}
