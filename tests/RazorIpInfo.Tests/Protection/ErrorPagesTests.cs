using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using RazorIpInfo.Lookup;
using RazorIpInfo.Tests.Infrastructure;

namespace RazorIpInfo.Tests.Protection;

public sealed class ErrorPagesTests : EmulatedUpstreamTests
{
    private const string InternalDetail = "connection string Server=db;Password=hunter2";

    [Fact]
    public async Task UnknownPageGetsAFriendlyNotFoundPage()
    {
        await using var app = new RazorIpInfoFactory(Upstream);

        var response = await app.CreateClient().GetAsync("/no-such-page");
        var page = await Html.ParseAsync(response);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("Page not found", page.QuerySelector("#error-title")!.TextContent.Trim());
        Assert.Equal("/", page.QuerySelector("a.button")!.GetAttribute("href"));
    }

    [Fact]
    public async Task UnknownApiPathGetsProblemDetails()
    {
        await using var app = new RazorIpInfoFactory(Upstream);

        var response = await app.CreateClient().GetAsync("/api/no-such-thing");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task CrashShowsAFriendlyPageWithoutInternals()
    {
        await using var app = CrashingApp();

        var response = await app.CreateClient().GetAsync("/?ip=8.8.8.8");
        var html = await response.Content.ReadAsStringAsync();
        var page = await Html.ParseAsync(response);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("Something went wrong", page.QuerySelector("#error-title")!.TextContent.Trim());
        Assert.DoesNotContain("hunter2", html, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CrashInTheApiIsAProblemDetailsWithoutInternals()
    {
        await using var app = CrashingApp();

        var response = await app.CreateClient().GetAsync("/api/ip-info/8.8.8.8");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(500, JsonSerializer.Deserialize<JsonElement>(body).GetProperty("status").GetInt32());
        Assert.DoesNotContain("hunter2", body, StringComparison.Ordinal);
    }

    private Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> CrashingApp() =>
        new RazorIpInfoFactory(Upstream).WithWebHostBuilder(web => web.ConfigureTestServices(services =>
            services.AddTransient<IIpInfoProvider, CrashingProvider>()));

    private sealed class CrashingProvider : IIpInfoProvider
    {
        public string Name => "crashing";

        public Task<LookupResult> LookupAsync(System.Net.IPAddress? address, string language, CancellationToken cancellationToken) =>
            throw new InvalidOperationException(InternalDetail);
    }
}
