using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RazorIpInfo.Tests.Infrastructure;

namespace RazorIpInfo.Tests.Protection;

public sealed class HealthTests : IDisposable
{
    private readonly IpApiEmulator upstream = IpApiEmulator.Start();

    public void Dispose() => upstream.Dispose();

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    public async Task HealthEndpointsAnswerHealthyInJson(string url)
    {
        await using var app = new RazorIpInfoFactory(upstream);

        var response = await app.CreateClient().GetAsync(url);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.Empty(upstream.Requests);
    }
}
