using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using RazorIpInfo.Protection;
using RazorIpInfo.Tests.Infrastructure;

namespace RazorIpInfo.Tests.Protection;

/// <summary>
/// What the site keeps to itself: visitors' addresses stay out of its logs and out of shared caches. The tests
/// that leave the site as it is share one (<see cref="SharedSite"/>); the ones that read its logs, change its
/// settings or need it before its first upstream call start their own, in front of their own emulator.
/// </summary>
public sealed class PrivacyTests(SharedSite site) : IClassFixture<SharedSite>
{
    [Fact]
    public async Task AtDefaultLogLevelsNoLineCarriesAVisitorsOrALookedUpAddress()
    {
        // Lookups that succeed, fail upstream (the emulator knows nothing of 9.9.9.9: a 404 is logged) and time
        // out, as the visitor's own card and as chosen addresses, on every surface.
        using var upstream = IpApiEmulator.Start();
        upstream.Respond("9.9.9.9", WireMock.ResponseBuilders.Response.Create().WithStatusCode(500));
        await using var app = new RazorIpInfoFactory(upstream).WithShortTimeouts();
        await using var site = app.WithWebHostBuilder(builder => builder.ConfigureServices(services =>
            // The levels a deployment runs with: appsettings.json's, not the test factory's Trace.
            services.AddOptions<LoggerFilterOptions>().PostConfigure<IConfiguration>((filters, configuration) =>
            {
                filters.Rules.Clear();
                filters.MinLevel = LogLevel.Information;
                foreach (var level in configuration.GetSection("Logging:LogLevel").GetChildren())
                {
                    var category = level.Key == "Default" ? null : level.Key;
                    filters.Rules.Add(new LoggerFilterRule(null, category, Enum.Parse<LogLevel>(level.Value!), null));
                }
            })));
        string[] visitors = ["8.8.8.8", "2001:4860:4860::8888", "9.9.9.9"];
        string[] urls = ["/", "/?handler=Card", "/api/ip-info", "/ip", "/?ip=9.9.9.9", "/api/ip-info/9.9.9.9", "/country?ip=9.9.9.9", "/api/ip-info/2001:4860:4860::8888", "/?ip=8.8.8.8"];
        foreach (var visitor in visitors)
        {
            using var client = site.CreateClient();
            client.DefaultRequestHeaders.Add("X-Forwarded-For", visitor);
            foreach (var url in urls)
            {
                (await client.GetAsync(url)).Dispose();
            }
        }

        var lines = site.Services.GetFakeLogCollector().GetSnapshot();
        Assert.NotEmpty(lines); // the failures above are logged: the search below has something to search
        var text = lines.Select(line => string.Join(" | ",
            [line.Message, line.Exception?.ToString(), .. line.Scopes.Select(scope => scope?.ToString()),
             .. (line.StructuredState ?? []).Select(pair => pair.Value)])).ToList();
        foreach (var address in visitors.Append("2001:4860:4860:0:0:0:0:8888"))
        {
            Assert.DoesNotContain(text, line => line.Contains(address, StringComparison.OrdinalIgnoreCase));
        }
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/?ip=8.8.8.8")]
    [InlineData("/?handler=Card")]
    [InlineData("/api/ip-info")]
    [InlineData("/api/ip-info/8.8.8.8")]
    [InlineData("/ip")]
    [InlineData("/country?ip=8.8.8.8")]
    public async Task PerVisitorAnswersAreForThatVisitorsBrowserOnly(string url)
    {
        using var client = site.App.CreateClientFor("8.8.8.8");
        client.DefaultRequestHeaders.Add("HX-Request", "true");

        using var response = await client.GetAsync(url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl is { Private: true, NoCache: true }, $"Cache-Control: {response.Headers.CacheControl}");
        Assert.Contains("Accept-Language", response.Headers.Vary);
    }

    [Fact]
    public async Task OneHostRotatingThroughItsIpv6NetworkSharesOneAllowance()
    {
        // Its own site: the allowance is a setting, and spent here.
        using var upstream = IpApiEmulator.Start();
        await using var app = new RazorIpInfoFactory(upstream);
        app.Settings["RateLimits:LookupsPerMinute"] = "2";

        var statuses = new List<HttpStatusCode>();
        foreach (var visitor in new[] { "2a00:1450:4001:81c::1", "2a00:1450:4001:81c::2", "2a00:1450:4001:81c:ffff:ffff:ffff:ffff" })
        {
            using var client = app.CreateClientFor(visitor);
            statuses.Add((await client.GetAsync("/api/ip-info/8.8.8.8")).StatusCode);
        }

        using var neighbour = app.CreateClientFor("2a00:1450:4001:81d::1");
        var otherNetwork = (await neighbour.GetAsync("/api/ip-info/8.8.8.8")).StatusCode;

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.OK, otherNetwork);
    }

    [Theory]
    [InlineData("2a00:1450:4001:81c::1", 64, "2a00:1450:4001:81c::/64")]
    [InlineData("2a00:1450:4001:81c:1:2:3:4", 56, "2a00:1450:4001:800::/56")]
    [InlineData("2a00:1450:4001:81c:1:2:3:4", 128, "2a00:1450:4001:81c:1:2:3:4/128")]
    [InlineData("2a00:1450:4001:81c:1:2:3:4", 60, "2a00:1450:4001:810::/60")]
    [InlineData("8.8.8.8", 64, "8.8.8.8")]
    [InlineData("::ffff:8.8.8.8", 64, "8.8.8.8")]
    public void ClientsAreCountedByIpv4AddressOrIpv6Network(string address, int prefix, string partition) =>
        Assert.Equal(partition, RateLimits.ClientPartition(IPAddress.Parse(address), prefix));

    [Fact]
    public async Task ReadinessSaysNoUpstreamCallWasMadeRatherThanClaimingItIsReachable()
    {
        // Its own site: a shared one has made upstream calls for the tests before this one.
        using var upstream = IpApiEmulator.Start();
        await using var app = new RazorIpInfoFactory(upstream);
        using var client = app.CreateClient();

        var before = await UpstreamCheckAsync(client);
        (await client.GetAsync("/api/ip-info/8.8.8.8")).Dispose();
        var after = await UpstreamCheckAsync(client);

        Assert.Contains("No upstream call made yet", before, StringComparison.Ordinal);
        Assert.Contains("answered with HTTP 200", after, StringComparison.Ordinal);
    }

    private static async Task<string> UpstreamCheckAsync(HttpClient client)
    {
        using var document = JsonDocument.Parse(await client.GetStringAsync("/readyz"));
        return document.RootElement.GetProperty("checks").GetProperty("upstream").GetProperty("description").GetString()!;
    }
}
