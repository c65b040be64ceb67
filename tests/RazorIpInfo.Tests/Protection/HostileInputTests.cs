using System.Diagnostics;
using System.Net;
using RazorIpInfo.Tests.Infrastructure;

namespace RazorIpInfo.Tests.Protection;

/// <summary>
/// What an attacker or a careless script sends, over every surface: page, fragment, API, text endpoints,
/// language switch, headers and methods. Every row gets a deliberate status (never a 5xx), in bounded time,
/// and nothing reaches the upstream when nothing should.
/// </summary>
public sealed class HostileInputTests(HostileInputTests.Site site) : IClassFixture<HostileInputTests.Site>
{
    /// <summary>
    /// Far above a local answer even on a loaded two-core machine, so the bound catches a hang, not a slow
    /// build next door; the upstream's own timeouts are tested with a misbehaving upstream elsewhere.
    /// </summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private static readonly string LongChain = string.Join(", ", Enumerable.Range(0, 2500).Select(i => $"9.{i / 250}.{i % 250}.1"));

    private static readonly Dictionary<string, Hostile> Cases = new Hostile[]
    {
        // The page's ?ip=
        new("page: out-of-range octet", "GET", "/?ip=999.1.1.1", HttpStatusCode.BadRequest),
        new("page: three parts", "GET", "/?ip=1.2.3", HttpStatusCode.BadRequest),
        new("page: octal-looking", "GET", "/?ip=010.8.8.8", HttpStatusCode.BadRequest),
        new("page: NUL", "GET", "/?ip=%00", HttpStatusCode.BadRequest),
        new("page: markup", "GET", "/?ip=%3Cscript%3Ealert(1)%3C/script%3E", HttpStatusCode.BadRequest),
        new("page: zone id", "GET", "/?ip=fe80::1%25eth0", HttpStatusCode.BadRequest),
        new("page: brackets", "GET", "/?ip=[2001:4860:4860::8888]", HttpStatusCode.BadRequest),
        new("page: 2 KB of digits", "GET", "/?ip=" + new string('1', 2048), HttpStatusCode.BadRequest),
        new("page: private", "GET", "/?ip=10.0.0.1", HttpStatusCode.OK),
        new("page: documentation", "GET", "/?ip=192.0.2.1", HttpStatusCode.OK),
        new("page: IPv4-compatible", "GET", "/?ip=::8.8.8.8", HttpStatusCode.OK),
        new("page: NAT64 of a private address", "GET", "/?ip=64:ff9b::10.0.0.1", HttpStatusCode.OK),
        new("page: 6to4 of a private address", "GET", "/?ip=2002:0a00:0001::1", HttpStatusCode.OK),
        new("page: site-local", "GET", "/?ip=fec0::1", HttpStatusCode.OK),
        new("page: discard-only", "GET", "/?ip=100::1", HttpStatusCode.OK),
        new("page: unallocated IPv6", "GET", "/?ip=4000::1", HttpStatusCode.OK),
        new("page: public", "GET", "/?ip=8.8.8.8", HttpStatusCode.OK, MayAskUpstream: true),
        new("page: unknown culture", "GET", "/?culture=xx-INVALID", HttpStatusCode.OK, MayAskUpstream: true),
        new("page: non-ASCII culture", "GET", "/?culture=%C3%A9", HttpStatusCode.OK, MayAskUpstream: true),
        new("page: junk refresh flag", "GET", "/?ip=8.8.8.8&refresh=%FF", HttpStatusCode.OK, MayAskUpstream: true),

        // The htmx fragment: always 200, its card explains
        new("fragment: bad address", "GET", "/?handler=Card&ip=999.1.1.1", HttpStatusCode.OK, Htmx: true),
        new("fragment: private", "GET", "/?handler=Card&ip=10.0.0.1", HttpStatusCode.OK, Htmx: true),
        new("fragment: 6to4 of loopback", "GET", "/?handler=Card&ip=2002:7f00:0001::1", HttpStatusCode.OK, Htmx: true),
        new("fragment: public", "GET", "/?handler=Card&ip=8.8.8.8", HttpStatusCode.OK, Htmx: true, MayAskUpstream: true),

        // The JSON API
        new("api: out-of-range octet", "GET", "/api/ip-info/999.1.1.1", HttpStatusCode.BadRequest),
        new("api: network", "GET", "/api/ip-info/8.8.8.8/24", HttpStatusCode.OK),
        new("api: network length out of range", "GET", "/api/ip-info/8.8.8.8/33", HttpStatusCode.BadRequest),
        new("api: traversal", "GET", "/api/ip-info/..%2F..%2Fetc%2Fpasswd", HttpStatusCode.BadRequest),
        new("api: 4 KB path", "GET", "/api/ip-info/" + new string('a', 4096), HttpStatusCode.BadRequest),
        new("api: private", "GET", "/api/ip-info/10.0.0.1", HttpStatusCode.UnprocessableEntity),
        new("api: IPv4-compatible", "GET", "/api/ip-info/::8.8.8.8", HttpStatusCode.UnprocessableEntity),
        new("api: NAT64 of a private address", "GET", "/api/ip-info/64:ff9b::192.168.0.1", HttpStatusCode.UnprocessableEntity),
        new("api: 6to4 of a private address", "GET", "/api/ip-info/2002:c0a8:0001::1", HttpStatusCode.UnprocessableEntity),
        new("api: multicast", "GET", "/api/ip-info/ff02::1", HttpStatusCode.UnprocessableEntity),
        new("api: public", "GET", "/api/ip-info/8.8.8.8", HttpStatusCode.OK, MayAskUpstream: true),
        new("api: HEAD of an address", "HEAD", "/api/ip-info/8.8.8.8", HttpStatusCode.OK, MayAskUpstream: true),
        new("api: HEAD of the caller", "HEAD", "/api/ip-info", HttpStatusCode.OK, MayAskUpstream: true),
        new("api: POST", "POST", "/api/ip-info/8.8.8.8", HttpStatusCode.MethodNotAllowed),
        new("api: DELETE", "DELETE", "/api/ip-info", HttpStatusCode.MethodNotAllowed),

        // Plain-text endpoints
        new("text: bad address", "GET", "/ip?ip=999.1.1.1", HttpStatusCode.BadRequest),
        new("text: private", "GET", "/country?ip=10.0.0.1", HttpStatusCode.UnprocessableEntity),
        new("text: site-local", "GET", "/city?ip=fec0::1", HttpStatusCode.UnprocessableEntity),
        new("text: public", "GET", "/asn?ip=8.8.8.8", HttpStatusCode.OK, MayAskUpstream: true),
        new("text: HEAD of the caller", "HEAD", "/ip", HttpStatusCode.OK, MayAskUpstream: true),
        new("text: HEAD of an address", "HEAD", "/country?ip=8.8.8.8", HttpStatusCode.OK, MayAskUpstream: true),
        new("text: POST", "POST", "/ip", HttpStatusCode.MethodNotAllowed),
        new("text: PUT", "PUT", "/coordinates", HttpStatusCode.MethodNotAllowed),

        // Methods on the page
        new("method: TRACE", "TRACE", "/", HttpStatusCode.MethodNotAllowed),
        new("method: PUT", "PUT", "/", HttpStatusCode.MethodNotAllowed),
        new("method: DELETE", "DELETE", "/", HttpStatusCode.MethodNotAllowed),
        new("method: POST", "POST", "/?ip=8.8.8.8", HttpStatusCode.MethodNotAllowed),
        new("method: PATCH", "PATCH", "/", HttpStatusCode.MethodNotAllowed),
        new("method: invented", "FOO", "/", HttpStatusCode.MethodNotAllowed),
        new("method: HEAD", "HEAD", "/?ip=8.8.8.8", HttpStatusCode.OK, MayAskUpstream: true),

        // The language switch
        new("switch: non-ASCII return URL", "GET", "/language/de?returnUrl=/%C3%A9", HttpStatusCode.Redirect, Location: "/%C3%A9"),
        new("switch: tab in return URL", "GET", "/language/de?returnUrl=/%09x", HttpStatusCode.Redirect, Location: "/"),
        new("switch: header injection", "GET", "/language/de?returnUrl=/x%0D%0ASet-Cookie:%20a=b", HttpStatusCode.Redirect, Location: "/"),
        new("switch: other host", "GET", "/language/de?returnUrl=//evil.example/", HttpStatusCode.Redirect, Location: "/"),
        new("switch: non-ASCII culture", "GET", "/language/%C3%A9", HttpStatusCode.NotFound),
        new("switch: CRLF culture", "GET", "/language/de%0D%0A", HttpStatusCode.NotFound),
        new("switch: HEAD", "HEAD", "/language/fr", HttpStatusCode.Redirect, Location: "/"),
        new("switch: POST", "POST", "/language/de", HttpStatusCode.MethodNotAllowed),

        // Headers
        new("header: German refused", "GET", "/?ip=10.0.0.1", HttpStatusCode.OK, Headers: [("Accept-Language", "de;q=0, fr;q=0.5")], ContentLanguage: "fr"),
        new("header: only German refused", "GET", "/?ip=10.0.0.1", HttpStatusCode.OK, Headers: [("Accept-Language", "de;q=0")], ContentLanguage: "en"),
        new("header: seventh language", "GET", "/?ip=10.0.0.1", HttpStatusCode.OK, Headers: [("Accept-Language", "nl, sv, da, fi, pl, cs, ja")], ContentLanguage: "ja"),
        new("header: junk languages", "GET", "/?ip=10.0.0.1", HttpStatusCode.OK, Headers: [("Accept-Language", string.Join(",", Enumerable.Repeat("x-;q=abc", 300)))], ContentLanguage: "en"),
        new("header: junk culture cookie", "GET", "/?ip=10.0.0.1", HttpStatusCode.OK, Headers: [("Cookie", ".AspNetCore.Culture=c%3D%00%7Cuic%3D%C3%A9")]),
        new("header: 30 KB forwarded chain", "GET", "/?ip=10.0.0.1", HttpStatusCode.OK, Headers: [("X-Forwarded-For", LongChain)], MaxBodyBytes: 40_000),
        new("header: 8 KB User-Agent", "GET", "/?ip=10.0.0.1", HttpStatusCode.OK, Headers: [("User-Agent", new string('A', 8192))], MaxBodyBytes: 40_000),
        new("header: zone id in forwarded address", "GET", "/api/ip-info", HttpStatusCode.OK, Headers: [("X-Forwarded-For", "2001:4860:4860::8888%eth0")], MayAskUpstream: true),
        new("header: garbage forwarded address", "GET", "/api/ip-info", HttpStatusCode.OK, Headers: [("X-Forwarded-For", "not-an-address")], MayAskUpstream: true),
        new("header: private forwarded address", "GET", "/?handler=Card", HttpStatusCode.OK, Htmx: true, Headers: [("X-Forwarded-For", "10.1.2.3")], MayAskUpstream: true),
        new("header: JSON for a bad address", "GET", "/?ip=999.1.1.1", HttpStatusCode.BadRequest, Headers: [("Accept", "application/json")]),
        new("header: curl for a private address", "GET", "/?ip=10.0.0.1", HttpStatusCode.UnprocessableEntity, Headers: [("User-Agent", "curl/8.5.0")]),
        new("header: curl for 6to4 loopback", "GET", "/?ip=2002:7f00:1::1", HttpStatusCode.UnprocessableEntity, Headers: [("User-Agent", "curl/8.5.0")]),
    }.ToDictionary(c => c.Name);

    public static TheoryData<string> Names => new(Cases.Keys);

    [Fact]
    public void TheTableCoversAtLeastSixtyCases() => Assert.True(Cases.Count >= 60, $"{Cases.Count} cases");

    [Theory]
    [MemberData(nameof(Names))]
    public async Task EveryHostileInputGetsADeliberateAnswerInBoundedTimeAndSpendsNoUpstreamCallItShouldNot(string name)
    {
        var row = Cases[name];
        using var request = new HttpRequestMessage(new HttpMethod(row.Method), row.Path);
        if (row.Htmx)
        {
            request.Headers.Add("HX-Request", "true");
        }

        foreach (var (header, value) in row.Headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(header, value);
        }

        var before = site.Upstream.Requests.Count;
        var clock = Stopwatch.StartNew();
        using var response = await site.Client.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();
        clock.Stop();

        Assert.Equal(row.Status, response.StatusCode);
        Assert.True(clock.Elapsed < Bound, $"{name}: answered in {clock.Elapsed}");
        if (!row.MayAskUpstream)
        {
            Assert.Equal(before, site.Upstream.Requests.Count);
        }

        Assert.All(site.Upstream.Requests, entry => Assert.DoesNotContain("%", entry.RequestMessage!.Path, StringComparison.Ordinal));
        if (row.Location is { } location)
        {
            Assert.Equal(location, response.Headers.Location?.OriginalString);
        }

        if (row.ContentLanguage is { } language)
        {
            Assert.Equal(language, Assert.Single(response.Content.Headers.ContentLanguage));
        }

        if (row.MaxBodyBytes is { } max)
        {
            Assert.True(body.Length < max, $"{name}: {body.Length} bytes");
        }
    }

    public sealed record Hostile(
        string Name,
        string Method,
        string Path,
        HttpStatusCode Status,
        bool Htmx = false,
        bool MayAskUpstream = false,
        (string Header, string Value)[]? Headers = null,
        string? Location = null,
        string? ContentLanguage = null,
        int? MaxBodyBytes = null);

    /// <summary>One site for the whole table: no row changes its configuration.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes fixtures through IAsyncLifetime.DisposeAsync.")]
    public sealed class Site : IAsyncLifetime
    {
        private RazorIpInfoFactory? app;

        public IpApiEmulator Upstream { get; } = IpApiEmulator.Start();

        public HttpClient Client { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            app = new RazorIpInfoFactory(Upstream);
            // No cookies: a row that switches the language must not choose it for the rows after it.
            Client = app.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
            // The first request compiles the pipeline; no row should pay for that.
            (await Client.GetAsync("/?ip=10.0.0.1")).Dispose();
        }

        public async Task DisposeAsync()
        {
            Client.Dispose();
            if (app is not null)
            {
                await app.DisposeAsync();
            }

            Upstream.Dispose();
        }
    }
}
