using Microsoft.Extensions.Logging;
using RazorIpInfo.Tests.Infrastructure;
using WireMock.ResponseBuilders;

namespace RazorIpInfo.Tests.Lookup.IpApi;

public sealed class IpApiClientTests : EmulatedUpstreamTests
{
    private const string Key = "pro-key-4f1c9e0d7b";

    [Fact]
    public async Task AsksForAnExplicitFieldListAndALanguage()
    {
        await using var app = new RazorIpInfoFactory(Upstream);

        await app.CreateClient().GetAsync("/?ip=8.8.8.8");

        var query = Upstream.Requests.Single().RequestMessage!.Query!;
        // WireMock splits a comma-separated value into its parts.
        var fields = query["fields"].SelectMany(v => v.Split(','));
        Assert.Superset(new HashSet<string> { "status", "message", "query", "country", "city", "isp", "as", "timezone" }, fields.ToHashSet());
        Assert.Equal("en", query["lang"].Single());
        Assert.False(query.ContainsKey("key"));
    }

    [Fact]
    public async Task QuotaExhaustedIsNotRetried()
    {
        Upstream.Respond("9.9.9.9", Response.Create().WithStatusCode(429).WithHeader("X-Rl", "0").WithHeader("X-Ttl", "30"));
        await using var app = new RazorIpInfoFactory(Upstream);
        // A cold emulator on a busy machine can take most of a second to answer; a timed-out attempt
        // would rightly be retried, which is not what this test is about.
        app.Settings["IpApi:AttemptTimeout"] = "00:00:05";
        app.Settings["IpApi:TotalTimeout"] = "00:00:10";

        await app.CreateClient().GetAsync("/?ip=9.9.9.9");

        Assert.Equal(1, Upstream.RequestsFor("9.9.9.9"));
    }

    [Fact]
    public async Task DefinitiveFailIsNotRetried()
    {
        Upstream.Answer("9.9.9.9", IpApiEmulator.Samples.Fail("reserved range", "9.9.9.9"));
        await using var app = new RazorIpInfoFactory(Upstream);

        await app.CreateClient().GetAsync("/?ip=9.9.9.9");

        Assert.Equal(1, Upstream.RequestsFor("9.9.9.9"));
    }

    [Fact]
    public async Task ServerErrorIsRetriedBeforeGivingUp()
    {
        Upstream.Respond("9.9.9.9", Response.Create().WithStatusCode(503));
        await using var app = new RazorIpInfoFactory(Upstream);

        await app.CreateClient().GetAsync("/?ip=9.9.9.9");

        Assert.Equal(3, Upstream.RequestsFor("9.9.9.9"));
    }

    [Fact]
    public async Task KeyIsSentUpstreamButNeverShownOrLogged()
    {
        Upstream.Respond("9.9.9.9", Response.Create().WithStatusCode(500));
        // Every level: a key in a Trace line would leak just as surely once someone turns Trace on.
        await using var app = new RazorIpInfoFactory(Upstream) { MinimumLogLevel = LogLevel.Trace };
        app.Settings["IpApi:Key"] = Key;
        await using var unreachable = new RazorIpInfoFactory(Upstream) { MinimumLogLevel = LogLevel.Trace };
        unreachable.Settings["IpApi:Key"] = Key;
        unreachable.Settings["IpApi:BaseUrl"] = IpApiEmulator.ClosedPortUrl();

        var outputs = new List<string>();
        foreach (var client in new[] { app.CreateClientFor("8.8.8.8"), unreachable.CreateClientFor("8.8.8.8") })
        {
            foreach (var url in new[] { "/", "/?ip=9.9.9.9", "/api/ip-info/8.8.8.8", "/api/ip-info/9.9.9.9" })
            {
                outputs.Add(await (await client.GetAsync(url)).Content.ReadAsStringAsync());
            }
        }

        Assert.NotEmpty(Upstream.Requests);
        Assert.All(Upstream.Requests, r => Assert.Equal(Key, r.RequestMessage!.Query!["key"].Single()));
        Assert.All(outputs, output => Assert.DoesNotContain(Key, output, StringComparison.Ordinal));
        var logs = app.Logs.GetSnapshot().Concat(unreachable.Logs.GetSnapshot()).ToList();
        // The failed calls were logged (so there was something to leak), by the client's own lines: the
        // HttpClient's request logging, which writes the URL with the key in it, is switched off.
        Assert.Contains(logs, log => log.Category == typeof(RazorIpInfo.Lookup.IpApi.IpApiClient).FullName && log.Message.Contains("HTTP 500", StringComparison.Ordinal));
        Assert.DoesNotContain(logs, log => log.Category!.StartsWith("System.Net.Http.HttpClient", StringComparison.Ordinal));
        Assert.All(logs, log => Assert.DoesNotContain(Key, log.Message, StringComparison.Ordinal));
        Assert.All(logs, log => Assert.DoesNotContain(Key, log.Exception?.ToString() ?? "", StringComparison.Ordinal));
    }
}
