using System.Net;
using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using RazorIpInfo.Tests.Infrastructure;
using WireMock.ResponseBuilders;

namespace RazorIpInfo.Tests.Pages;

/// <summary>
/// The tests that leave the site as it is share one (<see cref="SharedSite"/>), and each that scripts an answer
/// scripts it for an address of its own (<see cref="address"/>), so no answer is cached for another; "no upstream
/// call" is counted from where the emulator's log stood when the test began. The ones that change the site's
/// configuration, count lookups of the server's own address or spend the upstream's quota start their own, in front
/// of their own emulator.
/// </summary>
public sealed class IndexPageTests(SharedSite site) : EmulatedUpstreamTests, IClassFixture<SharedSite>
{
    private static int addresses;

    /// <summary>This test's own public address, one no other test in the class asks about.</summary>
    private readonly string address = NextAddress();

    private static string NextAddress()
    {
        var n = Interlocked.Increment(ref addresses);
        return $"9.9.{n / 200}.{n % 200 + 10}";
    }

    [Theory]
    [InlineData("/?ip=9.9.9.9")]
    [InlineData("/")]
    public async Task OnACacheMissTheHeadIsSentBeforeTheUpstreamAnswers(string url)
    {
        // The upstream answers only when the test lets it, after the head has arrived: no timing, so no slow machine
        // can make the head look late or the answer look early.
        var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var gated = new HostileUpstream();
        var json = HostileUpstream.Answers.Json(IpApiEmulator.Samples.Anywhere("9.9.9.9"));
        gated.On("9.9.9.9", async (socket, stream, stopping) =>
        {
            await answer.Task.WaitAsync(stopping);
            await json(socket, stream, stopping);
        });
        await using var app = new RazorIpInfoFactory(Upstream);
        app.Settings["IpApi:BaseUrl"] = gated.Url;
        app.Settings["IpApi:AttemptTimeout"] = "00:00:20";
        app.Settings["IpApi:TotalTimeout"] = "00:00:40";

        using var response = await app.CreateClientFor("9.9.9.9").GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var received = new StringBuilder();
        var buffer = new char[8192];
        // Bounded: a site that held the head back until the answer would otherwise keep this test waiting for good.
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!received.ToString().Contains("</head>", StringComparison.Ordinal) && await reader.ReadAsync(buffer, bound.Token) is > 0 and var read)
        {
            received.Append(buffer, 0, read);
        }

        var firstPart = received.ToString();
        // Only now may the upstream answer: everything read so far was sent while the lookup waited.
        answer.SetResult();
        received.Append(await reader.ReadToEndAsync(bound.Token));

        // The browser can fetch the stylesheet and scripts while the server waits for ip-api.com.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("rel=\"stylesheet\" href=\"/css/site", firstPart, StringComparison.Ordinal);
        Assert.Contains("src=\"/lib/htmx/dist/htmx.min", firstPart, StringComparison.Ordinal);
        Assert.DoesNotContain("Ashburn", firstPart, StringComparison.Ordinal);
        var page = await new HtmlParser().ParseDocumentAsync(received.ToString());
        Assert.Equal("Ashburn", page.Facts()["City"]);
        // The footer, rendered after the card, still credits who answered it.
        Assert.Contains("ip-api.com", page.QuerySelector("footer")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FirstResponseAlreadyHoldsTheVisitorsCard()
    {
        using var client = site.App.CreateClientFor("8.8.8.8");

        var response = await client.GetAsync("/");
        var page = await Html.ParseAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("8.8.8.8", page.CardAddress());
        var facts = page.Facts();
        Assert.Equal("United States (US)", facts["Country"]);
        Assert.Equal("Virginia (VA)", facts["Region"]);
        Assert.Equal("Ashburn", facts["City"]);
        Assert.Equal("20149", facts["Postal code"]);
        Assert.Equal("39.0300, -77.5000", facts["Coordinates"]);
        Assert.Equal("America/New_York (UTC−05:00)", facts["Time zone"]);
        Assert.Equal("Google LLC", facts["ISP"]);
        Assert.Equal("Google Public DNS", facts["Organisation"]);
        Assert.Equal("AS15169 · GOOGLE", facts["AS"]);
        Assert.Equal("dns.google", facts["Reverse DNS"]);
        Assert.Equal("Hosting or data centre", facts["Network"]);
        Assert.Contains("Local time", facts.Keys);
        Assert.Contains("ip-api.com", page.Card().QuerySelector(".provenance")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LocalTimeIsTheTimeAtTheAddressesTimeZone()
    {
        var page = await site.Client.GetDocumentAsync("/?ip=8.8.8.8");

        var time = page.Card().QuerySelector(".fact time")!.GetAttribute("datetime")!;
        var local = DateTimeOffset.Parse(time, System.Globalization.CultureInfo.InvariantCulture);
        var newYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        Assert.Equal(newYork.GetUtcOffset(local), local.Offset);
        Assert.InRange(local - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(-1), TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task VisitorOnTheLocalNetworkSeesTheServersPublicAddress()
    {
        // Its own site: the server's own address is the empty query, which no test can make its own, and the
        // count of lookups of it starts from zero.
        await using var app = new RazorIpInfoFactory(Upstream);

        var page = await app.CreateClientFor("192.168.1.20").GetDocumentAsync("/");

        Assert.Equal(IpApiEmulator.ServerAddress, page.CardAddress());
        Assert.Equal("London", page.Facts()["City"]);
        Assert.Contains("local network", page.Card().QuerySelector(".note")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(1, Upstream.RequestsFor(null));
        Assert.Equal(0, Upstream.RequestsFor("192.168.1.20"));
    }

    [Fact]
    public async Task LookupFormRendersTheEnteredAddressesCard()
    {
        using var client = site.App.CreateClientFor("8.8.8.8");

        var page = await client.GetDocumentAsync("/?ip=2001:4860:4860::8888");

        Assert.Equal("2001:4860:4860::8888", page.CardAddress());
        Assert.Equal("Mountain View", page.Facts()["City"]);
        Assert.Equal("IP address", page.Card().QuerySelector(".eyebrow")!.TextContent.Trim());
        Assert.Equal("2001:4860:4860::8888", page.QuerySelector<AngleSharp.Html.Dom.IHtmlInputElement>("form.lookup input[name=ip]")!.Value);
    }

    [Fact]
    public async Task InvalidAddressIsA400WithAMessageNextToTheFieldAndNoUpstreamCall()
    {
        var before = site.Upstream.Requests.Count;

        var response = await site.Client.GetAsync("/?ip=999.1.1.1");
        var page = await Html.ParseAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var field = page.QuerySelector("#ip")!;
        Assert.Equal("true", field.GetAttribute("aria-invalid"));
        Assert.Contains("ip-error", field.GetAttribute("aria-describedby")!, StringComparison.Ordinal);
        Assert.Equal("That is not an IP address.", page.QuerySelector("#ip-error")!.TextContent.Trim());
        Assert.Equal("That is not an IP address", page.CardTitle());
        Assert.Empty(site.Upstream.Requests.Skip(before));
    }

    [Theory]
    [InlineData("192.168.1.1", "private")]
    [InlineData("10.0.0.1", "private")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("192.0.2.1", "reserved")]
    [InlineData("ff02::1", "reserved")]
    public async Task NonPublicAddressIsExplainedWithoutAnUpstreamCall(string address, string explanation)
    {
        var before = site.Upstream.Requests.Count;

        var response = await site.Client.GetAsync("/?ip=" + Uri.EscapeDataString(address));
        var page = await Html.ParseAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(address, page.CardAddress());
        Assert.Contains(explanation, page.Card().TextContent, StringComparison.Ordinal);
        Assert.Empty(site.Upstream.Requests.Skip(before));
    }

    public static TheoryData<string, int, string> UpstreamFailures => new()
    {
        { "500", 500, "The lookup failed" },
        { "malformed JSON", 200, "The lookup failed" },
        { "oversized JSON", 200, "The lookup failed" },
        { "too slow", 200, "The lookup took too long" },
        { "quota exhausted", 429, "Too many lookups right now" },
        { "unexpected fail message", 200, "The lookup failed" },
    };

    [Theory]
    [MemberData(nameof(UpstreamFailures))]
    public async Task UpstreamFailureStillRendersThePageWithAnErrorCardAndARetryLink(string failure, int status, string title)
    {
        // A slow answer needs the short timeouts, and a spent quota would hold back every lookup after it on a
        // shared site: those two get a site of their own.
        await using var own = failure is "too slow" or "quota exhausted" ? new RazorIpInfoFactory(Upstream) : null;
        if (failure == "too slow")
        {
            own!.WithShortTimeouts().WithFakeTimeEverywhere();
        }

        (own is null ? site.Upstream : Upstream).Respond(address, failure switch
        {
            "malformed JSON" => Response.Create().WithStatusCode(status).WithBody("{\"status\":\"success\",\"query\":"),
            "oversized JSON" => Response.Create().WithStatusCode(status).WithBody(
                "{\"status\":\"success\",\"query\":\"" + address + "\",\"isp\":\"" + new string('x', 100_000) + "\"}"),
            "too slow" => Response.Create().WithStatusCode(status).WithBodyAsJson(IpApiEmulator.Samples.GoogleDnsV4).WithDelay(RazorIpInfoFactory.SlowAnswer),
            "quota exhausted" => Response.Create().WithStatusCode(status).WithHeader("X-Rl", "0").WithHeader("X-Ttl", "42"),
            "unexpected fail message" => Response.Create().WithStatusCode(status).WithBodyAsJson(IpApiEmulator.Samples.Fail("SSL unavailable", address)),
            _ => Response.Create().WithStatusCode(status),
        });

        var answer = (own?.CreateClient() ?? site.Client).GetAsync("/?ip=" + address);
        var response = own?.Clock is null ? await answer : await own.MovingTimeUntilAsync(answer);
        var page = await Html.ParseAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(title, page.CardTitle());
        Assert.Equal("/?ip=" + address, page.Card().QuerySelector("a.button")!.GetAttribute("href"));
        if (failure == "quota exhausted")
        {
            Assert.Contains("Try again in 42 seconds", page.Card().TextContent, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task TryAgainKeepsALanguageChosenInTheAddress()
    {
        site.Upstream.Respond(address, Response.Create().WithStatusCode(500));

        var page = await site.Client.GetDocumentAsync($"/?ip={address}&culture=ja");
        var own = await site.Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/?handler=Card&ip={address}&culture=de") { Headers = { { "HX-Request", "true" } } });

        Assert.Equal($"/?ip={address}&culture=ja", page.Card().QuerySelector("a.button")!.GetAttribute("href"));
        Assert.Equal($"/?ip={address}&culture=de", (await Html.ParseAsync(own)).Card().QuerySelector("a.button")!.GetAttribute("href"));
    }

    [Fact]
    public async Task UnreachableUpstreamSaysSoAndWhatToDoInTheCardAndInOneLogLine()
    {
        await using var app = new RazorIpInfoFactory(Upstream);
        app.Settings["IpApi:BaseUrl"] = IpApiEmulator.ClosedPortUrl();

        var response = await app.CreateClient().GetAsync("/?ip=8.8.8.8");
        var page = await Html.ParseAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("This server cannot reach ip-api.com", page.CardTitle());
        Assert.Contains("scripts/fetch-geodb.sh", page.Card().TextContent, StringComparison.Ordinal);
        // One line that says what happened and what to do, without a stack trace. (Polly's per-retry lines are
        // filtered out by the site's logging rules, which the test factory clears to see everything.)
        var warnings = app.Logs.GetSnapshot()
            .Where(log => log.Level >= Microsoft.Extensions.Logging.LogLevel.Warning && log.Category == typeof(RazorIpInfo.Lookup.IpApi.IpApiClient).FullName).ToList();
        var line = Assert.Single(warnings);
        Assert.Contains("cannot reach ip-api.com", line.Message, StringComparison.Ordinal);
        Assert.Contains("scripts/fetch-geodb.sh", line.Message, StringComparison.Ordinal);
        Assert.Null(line.Exception);
    }

    [Fact]
    public async Task UpstreamTextContainingHtmlIsShownAsText()
    {
        const string hostileIsp = "<script>alert('x')</script><img src=x onerror=alert(1)>Evil ISP";
        site.Upstream.Answer(address, new { status = "success", query = address, isp = hostileIsp, city = "<b>Town</b>" });

        var page = await site.Client.GetDocumentAsync("/?ip=" + address);

        Assert.Equal(hostileIsp, page.Facts()["ISP"]);
        Assert.Equal("<b>Town</b>", page.Facts()["City"]);
        Assert.Empty(page.Card().QuerySelectorAll("script, img, b"));
    }

    [Fact]
    public async Task FieldsTheProviderDoesNotKnowAreLeftOut()
    {
        site.Upstream.Answer(address, new { status = "success", query = address, country = "Switzerland", countryCode = "CH" });

        var page = await site.Client.GetDocumentAsync("/?ip=" + address);

        Assert.Equal(["Country"], page.Facts().Keys);
    }
}
