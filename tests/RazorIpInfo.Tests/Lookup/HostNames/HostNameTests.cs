using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
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

    [Theory]
    [InlineData("0x08080808", HostNameInputKind.NumericAddress)]
    [InlineData("0X08080808", HostNameInputKind.NumericAddress)]
    [InlineData("1.2.3.0x4", HostNameInputKind.NumericAddress)]
    [InlineData("134744072", HostNameInputKind.NumericAddress)]
    [InlineData("010.8.8.8", HostNameInputKind.NumericAddress)]
    [InlineData("8.8.8.010", HostNameInputKind.NumericAddress)]
    [InlineData("1.2.3", HostNameInputKind.NumericAddress)] // 1.2.0.3 to inet_aton
    [InlineData("999.1.1.1", HostNameInputKind.NotAName)] // no address in any form, only a mistyped one
    [InlineData("8.8.8.8.8", HostNameInputKind.NotAName)]
    [InlineData("db", HostNameInputKind.SingleLabel)]
    [InlineData("localhost", HostNameInputKind.SingleLabel)]
    [InlineData("LOCALHOST.", HostNameInputKind.SingleLabel)]
    [InlineData("0xcafe.example", HostNameInputKind.Name)] // only the last label decides
    [InlineData("example.0xcafe", HostNameInputKind.NotAName)] // a number, but no address: refused all the same
    [InlineData("example.cafe", HostNameInputKind.Name)]
    public void NumericFormsAndSingleLabelsAreNotNames(string typed, HostNameInputKind expected)
    {
        Assert.Equal(expected, HostNameInput.Read(typed, out var name));
        Assert.Equal(expected == HostNameInputKind.Name, name is not null);
    }

    [Fact]
    public void OverlongNamesAreRefused()
    {
        Assert.False(HostNameInput.TryNormalise(new string('a', 64) + ".com", out _)); // label over 63
        Assert.False(HostNameInput.TryNormalise(string.Join('.', Enumerable.Repeat(new string('a', 60), 5)), out _)); // over 253
        Assert.False(HostNameInput.TryNormalise(new string('a', 100_000), out _));
    }
}

/// <summary>
/// Host names through the site, with the resolver replaced (what DNS says is up to each test) and the lookup's
/// clock a fake one, so timeouts and cache durations pass when a test says so. The tests share one site
/// (<see cref="HostNameSite"/>): each asks about names of its own, so no answer another cached is its, and counts
/// resolver calls, upstream requests and log lines from where they stood when it began. The one that takes every
/// resolution slot at once has a site of its own: a hanging resolution keeps its slot until the test's site ends.
/// </summary>
public sealed class HostNameSiteTests(HostNameSiteTests.HostNameSite site) : IClassFixture<HostNameSiteTests.HostNameSite>
{
    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(3);
    private const int MaxConcurrent = 16;

    private IpApiEmulator upstream => site.Upstream;

    private ScriptedResolver resolver => site.Resolver;

    private FakeTimeProvider clock => site.Clock;

    private HttpClient client => site.Client;

    /// <summary>The site every test of the class asks, on the in-memory server as each test's own site was.</summary>
    public sealed class HostNameSite : SharedSite
    {
        internal ScriptedResolver Resolver { get; } = new();

        public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

        protected override bool OnKestrel => false;

        protected override void Configure(RazorIpInfoFactory app)
        {
            app.Settings["HostNames:Timeout"] = "00:00:03";
            app.Settings["HostNames:MaxConcurrent"] = MaxConcurrent.ToString(System.Globalization.CultureInfo.InvariantCulture);
            app.ConfigureTestServices = services =>
            {
                services.AddSingleton<IHostNameResolver>(Resolver);
                services.AddKeyedSingleton<TimeProvider>(HostNameLookup.ClockKey, Clock);
            };
        }

        public override async Task DisposeAsync()
        {
            // Lets the threads still "in getaddrinfo" return, as a real resolver eventually does.
            Resolver.Dispose();
            await base.DisposeAsync();
        }
    }

    [Fact]
    public async Task NameShowsItsPublicAddressesAndTheCardOfTheFirst()
    {
        resolver.Answers["dns.example"] = [IPAddress.Parse("10.0.0.1"), IPAddress.Parse("8.8.8.8"), IPAddress.Parse("2001:4860:4860::8888")];

        var page = await client.GetDocumentAsync("/?ip=dns.example");

        Assert.Equal("8.8.8.8", page.CardAddress());
        Assert.Equal("dns.example — RazorIpInfo", page.Title);
        Assert.Contains("dns.example resolves to these addresses in this server’s DNS", page.Card().TextContent, StringComparison.Ordinal);
        // The private one is the server's internal view of the name: not shown.
        Assert.Equal(["/?ip=8.8.8.8", "/?ip=2001%3A4860%3A4860%3A%3A8888"],
            page.QuerySelectorAll(".host-addresses a").Select(a => a.GetAttribute("href")));
        Assert.DoesNotContain("10.0.0.1", page.DocumentElement.OuterHtml, StringComparison.Ordinal);
        Assert.Equal("8.8.8.8", page.QuerySelector(".host-addresses a[aria-current]")?.TextContent);
    }

    [Fact]
    public async Task JsonAndTextAnswerForTheNameToo()
    {
        resolver.Answers["json.example"] = [IPAddress.Parse("8.8.8.8")];

        var json = await client.GetFromJsonAsync<JsonElement>("/api/ip-info/json.example");
        var text = await client.GetStringAsync("/ip?ip=json.example");

        Assert.Equal(("8.8.8.8", "json.example"), (json.GetProperty("address").GetString(), json.GetProperty("hostName").GetString()));
        Assert.Equal(["8.8.8.8"], json.GetProperty("hostAddresses").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("8.8.8.8\n", text);
    }

    public static TheoryData<string, IPAddress[]> NonPublicNames => new()
    {
        { "db.internal", [IPAddress.Parse("10.20.30.40")] },
        { "printer.lan", [IPAddress.Parse("192.168.1.20"), IPAddress.Parse("fe80::1")] },
        { "loop.example", [IPAddress.Parse("127.0.0.1"), IPAddress.Parse("::1")] },
        { "docs.example", [IPAddress.Parse("192.0.2.7")] },
    };

    [Theory]
    [MemberData(nameof(NonPublicNames))]
    public async Task NameWithOnlyNonPublicAddressesSaysSoWithoutTheAddresses(string name, IPAddress[] addresses)
    {
        resolver.Answers[name] = addresses;
        var before = upstream.Requests.Count;

        var page = await client.GetAsync("/?ip=" + name);
        var html = await page.Content.ReadAsStringAsync();
        var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html);
        var api = await client.GetAsync("/api/ip-info/" + name);
        var problem = await api.Content.ReadFromJsonAsync<JsonElement>();
        var text = await client.GetAsync("/country?ip=" + name);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("Non-public host name", document.CardTitle());
        Assert.Contains($"{name} resolves to non-public addresses", document.Card().TextContent, StringComparison.Ordinal);
        Assert.Empty(document.QuerySelectorAll(".host-addresses"));
        Assert.Equal((HttpStatusCode)422, api.StatusCode);
        Assert.Equal($"{name} resolves to non-public addresses, so there is no public information about it.", problem.GetProperty("detail").GetString());
        Assert.Equal(((HttpStatusCode)422, "Non-public host name\n"), (text.StatusCode, await text.Content.ReadAsStringAsync()));
        foreach (var address in addresses)
        {
            Assert.DoesNotContain(address.ToString(), html, StringComparison.Ordinal);
            Assert.DoesNotContain(address.ToString(), problem.GetRawText(), StringComparison.Ordinal);
        }

        Assert.Empty(upstream.Requests.Skip(before));
    }

    public static TheoryData<string, HttpStatusCode, string> Failures => new()
    {
        { "nxdomain.example", HttpStatusCode.NotFound, "Host name not found" },
        { "broken.example", HttpStatusCode.GatewayTimeout, "Name lookup failed" },
        { "bad_name.example", HttpStatusCode.BadRequest, "Not an IP address" },
        { "0x08080808", HttpStatusCode.BadRequest, "Address in a numeric form" },
        { "1.2.3.0x4", HttpStatusCode.BadRequest, "Address in a numeric form" },
        { "134744072", HttpStatusCode.BadRequest, "Address in a numeric form" },
        { "010.8.8.8", HttpStatusCode.BadRequest, "Address in a numeric form" },
        { "db", HttpStatusCode.BadRequest, "Not a full host name" },
        { "localhost", HttpStatusCode.BadRequest, "Not a full host name" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task NameThatCannotBeLookedUpIsExplainedNotFailed(string name, HttpStatusCode status, string title)
    {
        var (requestsBefore, callsBefore) = (upstream.Requests.Count, resolver.TotalCalls);
        var api = await client.GetAsync("/api/ip-info/" + name);
        var text = await client.GetAsync("/country?ip=" + name);
        var page = await client.GetDocumentAsync("/?ip=" + name);

        Assert.Equal(status, api.StatusCode);
        Assert.Equal(title, (await api.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
        Assert.Equal((status, title + "\n"), (text.StatusCode, await text.Content.ReadAsStringAsync()));
        Assert.Empty(upstream.Requests.Skip(requestsBefore));
        if (title != "Not an IP address")
        {
            Assert.Equal(title, page.CardTitle());
        }

        // Refused forms never reach the resolver: "db" would be completed with the server's own search domains.
        if (status == HttpStatusCode.BadRequest)
        {
            Assert.Equal(0, resolver.TotalCalls - callsBefore);
        }
    }

    [Fact]
    public async Task TheFirstPublicAddressIsChosenWhereverItComes()
    {
        // Eight private addresses, then the public one: the ninth was once answered "private".
        resolver.Answers["ninth.example"] = [.. Enumerable.Range(1, 8).Select(i => IPAddress.Parse($"10.0.0.{i}")), IPAddress.Parse("8.8.4.4")];
        upstream.Answer("8.8.4.4", IpApiEmulator.Samples.Anywhere("8.8.4.4"));

        var json = await client.GetFromJsonAsync<JsonElement>("/api/ip-info/ninth.example");

        Assert.Equal("8.8.4.4", json.GetProperty("address").GetString());
        Assert.Equal(["8.8.4.4"], json.GetProperty("hostAddresses").EnumerateArray().Select(a => a.GetString()));
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
        resolver.Answers["reused.example"] = [IPAddress.Parse("8.8.8.8")];

        await client.GetStringAsync("/ip?ip=reused.example");
        await client.GetStringAsync("/ip?ip=REUSED.example.");
        clock.Advance(TimeSpan.FromMinutes(1));
        await client.GetStringAsync("/ip?ip=reused.example");

        Assert.Equal(2, resolver.Calls("reused.example"));
    }

    [Fact]
    public async Task MissingNameIsAskedOnceWhileItsAnswerIsFresh()
    {
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/country?ip=missing.example")).StatusCode);
        }

        Assert.Equal(1, resolver.Calls("missing.example"));
        clock.Advance(TimeSpan.FromSeconds(30));
        await client.GetAsync("/country?ip=missing.example");
        Assert.Equal(2, resolver.Calls("missing.example"));
    }

    [Fact]
    public async Task SilentResolverIsCutOffAtTheTimeoutAndAskedOnceWhileThatIsFresh()
    {
        var logsBefore = site.App.Logs.GetSnapshot().Count;
        var first = client.GetAsync("/api/ip-info/hangs.example");
        await resolver.UntilHangingAsync(1);
        Assert.False(first.IsCompleted);

        // The resolver never returns; the timeout fires anyway.
        clock.Advance(ResolveTimeout);
        var answer = await first;
        var again = await client.GetAsync("/api/ip-info/hangs.example");

        Assert.Equal((HttpStatusCode.GatewayTimeout, "Name lookup failed"),
            (answer.StatusCode, (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString()));
        Assert.Equal(HttpStatusCode.GatewayTimeout, again.StatusCode);
        Assert.Equal(1, resolver.Calls("hangs.example"));
        Assert.Contains(site.App.Logs.GetSnapshot().Skip(logsBefore), r => r.Message == "A host name could not be resolved in time (Timeout)");
    }

    [Fact]
    public async Task ManyHangingNamesLeaveHealthAndCachedLookupsAnsweringAndTheRestAreToldTooMany()
    {
        // Its own site: it takes every resolution slot, and the shared site's may still hold one another test left hanging.
        var own = new HostNameSite();
        await own.InitializeAsync();
        try
        {
            var (resolver, clock, client) = (own.Resolver, own.Clock, own.Client);
            resolver.Answers["dns.example"] = [IPAddress.Parse("8.8.8.8")];
            Assert.Equal("United States\n", await client.GetStringAsync("/country?ip=dns.example"));

            // 40 distinct names at once against a resolver that blocks its thread and never answers, as getaddrinfo does
            // against a silent DNS server: more than one client's default allowance (30).
            var flood = Enumerable.Range(0, 40).Select(i => client.GetAsync($"/country?ip=hangs-{i}.example")).ToList();
            await resolver.UntilHangingAsync(MaxConcurrent);

            // Generous bounds: these are to show the site still answers, not how fast (before, /healthz took 16 s).
            var health = await client.GetAsync("/healthz").WaitAsync(TimeSpan.FromSeconds(20));
            var cached = await client.GetStringAsync("/country?ip=dns.example").WaitAsync(TimeSpan.FromSeconds(20));
            var home = await client.GetAsync("/api/ip-info/8.8.8.8").WaitAsync(TimeSpan.FromSeconds(20));

            clock.Advance(ResolveTimeout);
            var answers = await Task.WhenAll(flood).WaitAsync(TimeSpan.FromSeconds(20));
            var lines = await Task.WhenAll(answers.Select(a => a.Content.ReadAsStringAsync()));

            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Equal("United States\n", cached);
            Assert.Equal(HttpStatusCode.OK, home.StatusCode);
            Assert.Equal(MaxConcurrent, lines.Count(l => l == "Name lookup failed\n"));
            Assert.Equal(40 - MaxConcurrent, lines.Count(l => l == "Too many name lookups at once\n"));
            Assert.All(answers.Where(a => a.StatusCode == HttpStatusCode.ServiceUnavailable), a => Assert.NotNull(a.Headers.RetryAfter));
            // Only as many resolutions started as are allowed at once; the others never reached the resolver.
            Assert.Equal(MaxConcurrent, resolver.TotalCalls - 1);
        }
        finally
        {
            await own.DisposeAsync();
        }
    }

    /// <summary>
    /// DNS as a test writes it: named answers, a name that does not exist, and names starting "hangs" that block
    /// their thread until their site ends (a resolver that ignores everything, as a stuck getaddrinfo does).
    /// </summary>
    internal sealed class ScriptedResolver : IHostNameResolver, IDisposable
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> calls = new();
        private readonly ManualResetEventSlim release = new();
        private readonly SemaphoreSlim hangStarted = new(0);

        public System.Collections.Concurrent.ConcurrentDictionary<string, IPAddress[]> Answers { get; } = new();

        public int Calls(string name) => calls.GetValueOrDefault(name);

        public int TotalCalls => calls.Values.Sum();

        public async Task UntilHangingAsync(int count)
        {
            for (var i = 0; i < count; i++)
            {
                Assert.True(await hangStarted.WaitAsync(TimeSpan.FromSeconds(30)), $"only {i} of {count} resolutions started");
            }
        }

        public IPAddress[] Resolve(string name)
        {
            calls.AddOrUpdate(name, 1, (_, n) => n + 1);
            if (name.StartsWith("hangs", StringComparison.Ordinal))
            {
                hangStarted.Release();
                release.Wait();
                throw new SocketException((int)SocketError.TryAgain);
            }

            if (name == "broken.example")
            {
                throw new SocketException((int)SocketError.TryAgain);
            }

            return Answers.TryGetValue(name, out var addresses) ? addresses : throw new SocketException((int)SocketError.HostNotFound);
        }

        public void Dispose() => release.Set();
    }
}
