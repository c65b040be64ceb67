using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using RazorIpInfo.Tests.Infrastructure;
using static RazorIpInfo.Tests.DualStack.DualStackSite;

namespace RazorIpInfo.Tests.DualStack;

/// <summary>
/// Both addresses over real sockets: the page on the dual-stack name shows the address of the family the
/// client came with and embeds the other family's host, each family host answers only its own family, and
/// which family a client has is decided after the trusted-proxy logic.
/// </summary>
public sealed class DualStackTests(DualStackSite site) : IClassFixture<DualStackSite>
{
    private const AddressFamily V4 = AddressFamily.InterNetwork;
    private const AddressFamily V6 = AddressFamily.InterNetworkV6;

    public static TheoryData<AddressFamily, string, string> ReachedOver => new()
    {
        { V4, "127.0.0.1", $"//{Ipv6Host}/family" },
        { V6, "::1", $"//{Ipv4Host}/family" },
    };

    [Theory]
    [MemberData(nameof(ReachedOver))]
    public async Task TheMainPageShowsTheAddressItWasReachedWithAndEmbedsTheOtherFamilysHost(AddressFamily family, string reached, string embedded)
    {
        using var client = site.ClientOver(family);

        var page = await client.GetDocumentAsync($"http://{SiteHost}/");

        var row = page.QuerySelector(".your-addresses") ?? throw new Xunit.Sdk.XunitException("No 'Your addresses' row.");
        Assert.Equal("Your addresses", row.QuerySelector("h2")!.TextContent.Trim());
        Assert.Equal(["IPv4", "IPv6"], row.QuerySelectorAll(".family dt").Select(dt => dt.TextContent.Trim()));
        var link = Assert.Single(row.QuerySelectorAll("a.family-address"));
        Assert.Equal(reached, link.TextContent.Trim());
        Assert.Equal("/?ip=" + Uri.EscapeDataString(reached), link.GetAttribute("href"));
        var frame = Assert.Single(row.QuerySelectorAll("object.family-frame"));
        Assert.Equal(embedded, frame.GetAttribute("data"));
        Assert.Equal("text/html", frame.GetAttribute("type"));
        Assert.Equal(
            family == V4 ? "no IPv6 connectivity from this browser" : "no IPv4 connectivity from this browser",
            frame.TextContent.Trim());
        // The row sits under the card, outside the region htmx swaps.
        Assert.Null(page.QuerySelector("#card-region .your-addresses"));
    }

    public static TheoryData<string, AddressFamily, string> FamilyHosts => new()
    {
        { Ipv4Host, V4, "127.0.0.1" },
        { Ipv6Host, V6, "::1" },
    };

    [Theory]
    [MemberData(nameof(FamilyHosts))]
    public async Task AFamilyHostsFamilyPageShowsTheAddressOfItsFamilyLinkingToItsCardOnTheSite(string host, AddressFamily family, string address)
    {
        using var client = site.ClientOver(family);

        var response = await client.GetAsync($"http://{host}/family");
        var page = await Html.ParseAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var link = Assert.Single(page.QuerySelectorAll("a.family-address"));
        Assert.Equal(address, link.TextContent.Trim());
        Assert.Equal($"//{SiteHost}/?ip={Uri.EscapeDataString(address)}", link.GetAttribute("href"));
        Assert.Equal("_top", link.GetAttribute("target"));
        Assert.Empty(page.QuerySelectorAll("script, header, footer, form"));
    }

    public static TheoryData<string, AddressFamily, string?> Misdirected => new()
    {
        { Ipv6Host, V4, null },
        { Ipv4Host, V6, null },
        { Ipv6Host, V4, "application/json" },
        { Ipv4Host, V6, "text/plain" },
        // The name compares as DNS does: any case, with or without the root's dot.
        { "V6.Test.", V4, null },
    };

    [Theory]
    [MemberData(nameof(Misdirected))]
    public async Task AFamilyHostReachedOverTheOtherFamilyAnswers421WithOneLine(string host, AddressFamily family, string? accept)
    {
        using var client = site.ClientOver(family);
        foreach (var path in new[] { "/", "/family", "/api/ip-info" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{host}{path}");
            if (accept is not null)
            {
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
            }

            var response = await client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();

            Assert.Equal(HttpStatusCode.MisdirectedRequest, response.StatusCode);
            var served = host.StartsWith("v6", StringComparison.OrdinalIgnoreCase) ? "IPv6" : "IPv4";
            if (accept == "application/json" || (accept is null && path.StartsWith("/api", StringComparison.Ordinal)))
            {
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                using var problem = JsonDocument.Parse(body);
                Assert.Equal(421, problem.RootElement.GetProperty("status").GetInt32());
                Assert.Contains($"answers only over {served}", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
            }
            else
            {
                Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
                var line = Assert.Single(body.Split('\n', StringSplitOptions.RemoveEmptyEntries));
                Assert.StartsWith($"Misdirected request: {(served == "IPv6" ? Ipv6Host : Ipv4Host)} answers only over {served}", line, StringComparison.Ordinal);
            }
        }
    }

    /// <summary>The connecting peer is loopback, a trusted proxy; the family is the client's it reports.</summary>
    public static TheoryData<string, AddressFamily, string, string, HttpStatusCode> BehindTheProxy => new()
    {
        { Ipv6Host, V6, "X-Forwarded-For", "203.0.113.7", HttpStatusCode.MisdirectedRequest },
        { Ipv6Host, V4, "X-Forwarded-For", "2001:db8::7", HttpStatusCode.OK },
        { Ipv4Host, V6, "X-Forwarded-For", "203.0.113.7", HttpStatusCode.OK },
        // IPv4-mapped IPv6 is an IPv4 client, as a dual-stack socket reports one.
        { Ipv4Host, V4, "X-Forwarded-For", "::ffff:203.0.113.7", HttpStatusCode.OK },
        { Ipv6Host, V6, "X-Forwarded-For", "::ffff:203.0.113.7", HttpStatusCode.MisdirectedRequest },
        // Only the right-most entry counts (ForwardLimit 1): what the client wrote further left is not asked.
        { Ipv6Host, V6, "X-Forwarded-For", "2001:db8::7, 203.0.113.7", HttpStatusCode.MisdirectedRequest },
        // A header the site was not told to read is anyone's: it changes nothing.
        { Ipv6Host, V4, "X-Real-IP", "2001:db8::7", HttpStatusCode.MisdirectedRequest },
        { Ipv6Host, V6, "CF-Connecting-IP", "203.0.113.7", HttpStatusCode.OK },
    };

    [Theory]
    [MemberData(nameof(BehindTheProxy))]
    public async Task TheFamilyIsTheClientsAfterTheTrustedProxyLogicNeverAHeaderAnyoneCanSend(
        string host, AddressFamily connection, string header, string value, HttpStatusCode expected)
    {
        using var client = site.ClientOver(connection);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{host}/family");
        request.Headers.TryAddWithoutValidation(header, value);

        var response = await client.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task AMisdirectedRequestIsLoggedNamingTheHostNeverTheClientsAddress()
    {
        using var client = site.ClientOver(V6);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{Ipv6Host}/family");
        request.Headers.Add("X-Forwarded-For", "198.51.100.42");

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.MisdirectedRequest, response.StatusCode);
        var lines = site.App.Logs.GetSnapshot()
            .Where(line => line.Category?.Contains("DualStack", StringComparison.Ordinal) == true)
            .Select(line => string.Join(" | ", [line.Message, .. (line.StructuredState ?? []).Select(pair => pair.Value)]))
            .ToList();
        Assert.Contains(lines, line => line.Contains($"A request for {Ipv6Host} arrived over the other address family", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains("198.51.100.42", StringComparison.Ordinal));
    }

    public static TheoryData<string, AddressFamily, string?, string?, string> Negotiated => new()
    {
        { Ipv4Host, V4, "text/plain", null, "text/plain" },
        { Ipv6Host, V6, null, "curl/8.5.0", "text/plain" },
        { Ipv6Host, V6, "application/json", null, "application/json" },
        { Ipv4Host, V4, "text/html", null, "text/html" },
    };

    [Theory]
    [MemberData(nameof(Negotiated))]
    public async Task OnAFamilyHostTheRootAnswersAsTheMainHostDoes(string host, AddressFamily family, string? accept, string? agent, string mediaType)
    {
        using var client = site.ClientOver(family);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{host}/");
        if (accept is not null)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        }

        if (agent is not null)
        {
            request.Headers.UserAgent.ParseAdd(agent);
        }

        var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        // A loopback visitor has no public address of its own: every form shows the server's.
        Assert.Contains(IpApiEmulator.ServerAddress, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheMainPageMayEmbedExactlyTheTwoFamilyHostsAndNothingElseLoosens()
    {
        using var client = site.ClientOver(V4);

        var response = await client.GetAsync($"http://{SiteHost}/");

        var csp = Directives(response);
        Assert.Equal($"{Ipv4Host} {Ipv6Host}", csp["object-src"]);
        Assert.Equal("'none'", csp["frame-ancestors"]);
        Assert.Equal("'self'", csp["default-src"]);
        Assert.Equal("'self'", csp["script-src"]);
        Assert.Equal($"{Ipv4Host} {Ipv6Host}", csp["frame-src"]);
        Assert.DoesNotContain("unsafe", string.Join(" ", csp.Values), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Ipv4Host, V4)]
    [InlineData(Ipv6Host, V6)]
    public async Task TheFamilyPageMayBeEmbeddedOnlyByTheSitesOwnHostsAndLoadsNothingButTheStylesheet(string host, AddressFamily family)
    {
        using var client = site.ClientOver(family);

        var response = await client.GetAsync($"http://{host}/family");

        var csp = Directives(response);
        Assert.Equal($"{SiteHost} {Ipv4Host} {Ipv6Host}", csp["frame-ancestors"]);
        Assert.Equal("'none'", csp["default-src"]);
        Assert.Equal("'self'", csp["style-src"]);
        Assert.False(csp.ContainsKey("script-src"));
        Assert.False(response.Headers.Contains("X-Frame-Options"));
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
    }

    [Theory]
    [InlineData(V4)]
    [InlineData(V6)]
    public async Task TheFamilyPageIsNotFoundOnTheMainHost(AddressFamily family)
    {
        using var client = site.ClientOver(family);

        var response = await client.GetAsync($"http://{SiteHost}/family");

        Assert.True(response.StatusCode == HttpStatusCode.NotFound, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("v6.test.example")]
    [InlineData("V4.TEST.example")]
    [InlineData("a.very.long.name.that.is.not.ours.but.perfectly.legal.as.a.host.header.value.test")]
    public async Task AnyOtherHostIsTheMainSiteWithNoMisdirectionAndNoError(string host)
    {
        using var client = site.ClientOver(V4);

        var response = await client.GetAsync($"http://{host}/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static Dictionary<string, string> Directives(HttpResponseMessage response) =>
        Assert.Single(response.Headers.GetValues("Content-Security-Policy"))
            .Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(directive => directive.Split(' ', 2))
            .ToDictionary(parts => parts[0], parts => parts.Length > 1 ? parts[1] : "");
}
