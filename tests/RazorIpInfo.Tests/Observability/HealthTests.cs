using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RazorIpInfo.Tests.Infrastructure;

namespace RazorIpInfo.Tests.Observability;

public sealed class HealthTests : EmulatedUpstreamTests
{
    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    public async Task HealthEndpointsAnswerHealthyInJson(string url)
    {
        await using var app = new RazorIpInfoFactory(Upstream);

        var response = await app.CreateClient().GetAsync(url);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.Empty(Upstream.Requests);
    }

    [Fact]
    public async Task ReadinessReportsRedisDegradedWhileItIsDownAndHealthyWhenItIsBack()
    {
        using var redis = RedisServer.Start();
        await using var app = new RazorIpInfoFactory(Upstream) { Redis = redis.ConnectionString };
        var client = app.CreateClient();

        var before = await client.GetFromJsonAsync<JsonElement>("/readyz");
        redis.Kill();
        var down = await client.GetAsync("/readyz");
        var downBody = await PollAsync(client, status => status == "Degraded");
        redis.Restart();
        var back = await PollAsync(client, status => status == "Healthy");

        Assert.Equal("Healthy", RedisStatus(before));
        // Degraded is still 200: every instance is in the same state, and taking them all out helps no one.
        Assert.Equal(HttpStatusCode.OK, down.StatusCode);
        Assert.Equal("Degraded", RedisStatus(downBody));
        Assert.Equal("Healthy", RedisStatus(back));
    }

    private static string? RedisStatus(JsonElement body) =>
        body.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString();

    private static async Task<JsonElement> PollAsync(HttpClient client, Func<string?, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var body = await client.GetFromJsonAsync<JsonElement>("/readyz");
            if (done(RedisStatus(body)) || DateTime.UtcNow > deadline)
            {
                return body;
            }

            await Task.Delay(250);
        }
    }
}
