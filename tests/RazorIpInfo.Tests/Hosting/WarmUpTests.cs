using System.Net;
using System.Text.Json;
using RazorIpInfo.Tests.Infrastructure;
using WireMock.ResponseBuilders;

namespace RazorIpInfo.Tests.Hosting;

/// <summary>
/// A new instance joins the load balancer's pool only once it has served its own page, fragment, JSON and
/// text answers (Hosting/WarmUp.cs): on real Kestrel, since the warm-up goes through the listening socket.
/// </summary>
public sealed class WarmUpTests : EmulatedUpstreamTests
{
    [Fact]
    public async Task ReadinessIsUnreadyWhileTheInstanceWarmsUpAndReadyOnceItHasServedItsOwnPaths()
    {
        // The warm-up's first lookup waits for the upstream, which keeps it warming long enough to be asked.
        Upstream.Respond("8.8.8.8", Response.Create().WithStatusCode(200).WithBodyAsJson(IpApiEmulator.Samples.GoogleDnsV4).WithDelay(TimeSpan.FromSeconds(2)));
        await using var app = new RazorIpInfoFactory(Upstream);
        app.Settings["WarmUp:Enabled"] = "true";
        // A Debug build on a test machine busy with other runs is slow to warm (the default is 30 s), and its upstream
        // answers late: a timed-out lookup would rightly end the warm-up Degraded, which is the next test's case.
        app.Settings["WarmUp:Deadline"] = "00:02:00";
        // One quiet round ends it: the test process compiles for the other test classes all the time, so its JIT is
        // rarely quiet for the production default of a second. That period's effect is bench/cold-start.sh's to show.
        app.Settings["WarmUp:QuietPeriod"] = "00:00:00";
        app.Settings["IpApi:AttemptTimeout"] = "00:00:10";
        app.Settings["IpApi:TotalTimeout"] = "00:00:20";
        using var client = new HttpClient { BaseAddress = app.StartOnFreePort() };

        var (coldStatus, cold) = await ReadyAsync(client);
        var (warmStatus, warm) = await PollAsync(client, body => WarmUpStatus(body) != "Unhealthy");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, coldStatus);
        Assert.Equal("Unhealthy", WarmUpStatus(cold));
        Assert.True(warmStatus == HttpStatusCode.OK && WarmUpStatus(warm) == "Healthy", $"{(int)warmStatus}: {warm}");
        Assert.StartsWith("Warm:", WarmUpDescription(warm), StringComparison.Ordinal);
        // Hundreds of requests, one upstream lookup (and its retries, when a busy machine makes an attempt time
        // out): the rest were cache hits, as a visitor's would be.
        Assert.InRange(Upstream.RequestsFor("8.8.8.8"), 1, 3);
        // The warm-up says how it went, never whose address it asked about (the factory logs every framework line at
        // Trace, request URLs included, which production's appsettings.json turns off).
        var warmUpLines = app.Logs.GetSnapshot().Where(line => line.Category?.EndsWith("WarmUpService", StringComparison.Ordinal) == true).ToList();
        Assert.Contains(warmUpLines, line => line.Message.StartsWith("Warm:", StringComparison.Ordinal));
        Assert.DoesNotContain(warmUpLines, line => line.Message.Contains("8.8.8.8", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AWarmUpPastItsDeadlineLeavesTheInstanceReadyButDegradedWithTheReason()
    {
        Upstream.Respond("8.8.8.8", Response.Create().WithStatusCode(200).WithBodyAsJson(IpApiEmulator.Samples.GoogleDnsV4).WithDelay(TimeSpan.FromSeconds(4)));
        await using var app = new RazorIpInfoFactory(Upstream);
        app.Settings["WarmUp:Enabled"] = "true";
        app.Settings["WarmUp:Deadline"] = "00:00:01";
        using var client = new HttpClient { BaseAddress = app.StartOnFreePort() };

        var (status, body) = await PollAsync(client, body => WarmUpStatus(body) != "Unhealthy");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Degraded", WarmUpStatus(body));
        Assert.Contains("WarmUp:Deadline", WarmUpDescription(body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithTheWarmUpOffTheInstanceIsReadyAtOnce()
    {
        await using var app = new RazorIpInfoFactory(Upstream);
        using var client = new HttpClient { BaseAddress = app.StartOnFreePort() };

        var (status, body) = await ReadyAsync(client);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Healthy", WarmUpStatus(body));
        Assert.Empty(Upstream.Requests);
    }

    private static string? WarmUpStatus(JsonElement body) =>
        body.GetProperty("checks").GetProperty("warm-up").GetProperty("status").GetString();

    private static string WarmUpDescription(JsonElement body) =>
        body.GetProperty("checks").GetProperty("warm-up").GetProperty("description").GetString() ?? "";

    private static async Task<(HttpStatusCode Status, JsonElement Body)> ReadyAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/readyz");
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> PollAsync(HttpClient client, Func<JsonElement, bool> done)
    {
        // Bounded, a little beyond the longest warm-up deadline these tests set.
        for (var deadline = DateTime.UtcNow.AddSeconds(150); ; await Task.Delay(200))
        {
            var answer = await ReadyAsync(client);
            if (done(answer.Body) || DateTime.UtcNow > deadline)
            {
                return answer;
            }
        }
    }
}
