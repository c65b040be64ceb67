using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RazorIpInfo.Tests.Infrastructure;

namespace RazorIpInfo.Tests.Protection;

public sealed class RateLimitTests : EmulatedUpstreamTests
{
    [Fact]
    public async Task TooManyLookupsGetAFriendlyPageWithRetryAfter()
    {
        await using var app = LimitedApp(lookups: 3);
        var client = app.CreateClientFor("8.8.8.8");

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/?ip=8.8.8.8")).StatusCode);
        }

        var limited = await client.GetAsync("/?ip=8.8.8.8");
        var page = await Html.ParseAsync(limited);

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.InRange(limited.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        Assert.Equal("Too many requests", page.QuerySelector("#error-title")!.TextContent.Trim());
    }

    [Fact]
    public async Task TooManyApiLookupsGetProblemDetailsWithRetryAfter()
    {
        await using var app = LimitedApp(lookups: 2);
        var client = app.CreateClientFor("8.8.8.8");
        await client.GetAsync("/api/ip-info/8.8.8.8");
        await client.GetAsync("/api/ip-info/8.8.8.8");

        var limited = await client.GetAsync("/api/ip-info/8.8.8.8");
        var problem = await limited.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType!.MediaType);
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        Assert.NotNull(limited.Headers.RetryAfter);
    }

    [Theory]
    [InlineData("/ip?ip=8.8.8.8")]
    [InlineData("/?ip=8.8.8.8")]
    public async Task CommandLineClientsAreToldToSlowDownInPlainText(string url)
    {
        await using var app = LimitedApp(lookups: 1);
        var client = app.CreateClientFor("8.8.8.8");
        client.DefaultRequestHeaders.UserAgent.ParseAdd("curl/8.5.0");
        await client.GetAsync(url);

        var limited = await client.GetAsync(url);

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("text/plain", limited.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("Too many requests: try again in ", await limited.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.NotNull(limited.Headers.RetryAfter);
    }

    [Fact]
    public async Task HtmxLookupsThatAreLimitedKeepTheCardAndSayWhyBesideTheField()
    {
        await using var app = LimitedApp(lookups: 1);
        var client = app.CreateClientFor("8.8.8.8");
        client.DefaultRequestHeaders.Add("HX-Request", "true");
        await client.GetAsync("/?handler=Card&ip=8.8.8.8");

        var limited = await client.GetAsync("/?handler=Card&ip=8.8.8.8");
        var fragment = await Html.ParseAsync(limited);

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Null(fragment.Doctype);
        Assert.Empty(fragment.QuerySelectorAll("header, main, footer, title"));
        // htmx leaves the card alone (HX-Reswap: none) and swaps in the field with the reason, out of band.
        Assert.Equal("none", Assert.Single(limited.Headers.GetValues("HX-Reswap")));
        Assert.Null(fragment.QuerySelector("#ip-card"));
        var field = fragment.QuerySelector("#ip-field[hx-swap-oob]")!;
        Assert.Equal("8.8.8.8", field.QuerySelector("#ip")!.GetAttribute("value"));
        Assert.Contains("ip-error", field.QuerySelector("#ip")!.GetAttribute("aria-describedby")!, StringComparison.Ordinal);
        Assert.Contains("Please wait", field.QuerySelector("#ip-error")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LimitsAreCountedPerResolvedClientAddress()
    {
        await using var app = LimitedApp(lookups: 1);

        var first = await app.CreateClientFor("8.8.8.8").GetAsync("/?ip=8.8.8.8");
        var other = await app.CreateClientFor("9.9.9.9").GetAsync("/?ip=8.8.8.8");
        var firstAgain = await app.CreateClientFor("8.8.8.8").GetAsync("/?ip=8.8.8.8");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, firstAgain.StatusCode);
    }

    [Fact]
    public async Task OwnCardHasItsOwnMoreGenerousLimit()
    {
        await using var app = LimitedApp(lookups: 1);
        var client = app.CreateClientFor("8.8.8.8");
        await client.GetAsync("/?ip=8.8.8.8");

        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.GetAsync("/?ip=8.8.8.8")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/ip-info")).StatusCode);
    }

    private RazorIpInfoFactory LimitedApp(int lookups, int ownCard = 100)
    {
        var app = new RazorIpInfoFactory(Upstream);
        app.Settings["RateLimits:LookupsPerMinute"] = lookups.ToString(System.Globalization.CultureInfo.InvariantCulture);
        app.Settings["RateLimits:OwnCardPerMinute"] = ownCard.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return app;
    }
}
