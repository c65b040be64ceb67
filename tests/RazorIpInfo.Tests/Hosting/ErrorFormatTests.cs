using System.Net;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using RazorIpInfo.Lookup;
using RazorIpInfo.Tests.Infrastructure;

namespace RazorIpInfo.Tests.Hosting;

/// <summary>
/// Every error comes in the form the client wants, by one decision: a browser gets the page, curl a line
/// it can print, a JSON client ProblemDetails. The lookup provider here throws, for the 500 rows.
/// </summary>
public sealed class ErrorFormatTests : EmulatedUpstreamTests
{
    private const string Browser = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0";

    public static TheoryData<string, string, string, HttpStatusCode, string, string> Errors => new()
    {
        { "/no-such-page", Browser, "text/html", HttpStatusCode.NotFound, "text/html", "Page not found" },
        { "/no-such-page", "curl/8.5.0", "*/*", HttpStatusCode.NotFound, "text/plain", "404 Not Found\n" },
        { "/no-such-page", "curl/8.5.0", "application/json", HttpStatusCode.NotFound, "application/problem+json", "\"status\":404" },
        { "/api/no-such-thing", "curl/8.5.0", "*/*", HttpStatusCode.NotFound, "application/problem+json", "\"status\":404" },
        // Under /api a browser that accepts only HTML gets no JSON it did not ask for: the framework's ProblemDetails
        // writer declines and the status-code pages fall back to a line.
        { "/api/no-such-thing", Browser, "text/html", HttpStatusCode.NotFound, "text/plain", "404" },
        { "/country?ip=8.8.8.8", "curl/8.5.0", "*/*", HttpStatusCode.InternalServerError, "text/plain", "500 Internal Server Error\n" },
        { "/?ip=8.8.8.8", Browser, "text/html", HttpStatusCode.InternalServerError, "text/html", "<html" },
        { "/api/ip-info/8.8.8.8", "curl/8.5.0", "*/*", HttpStatusCode.InternalServerError, "application/problem+json", "\"status\":500" },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public async Task EachClientGetsTheErrorInItsOwnForm(string url, string agent, string accept, HttpStatusCode status, string mediaType, string body)
    {
        await using var app = new RazorIpInfoFactory(Upstream).WithWebHostBuilder(web => web.ConfigureTestServices(services =>
            services.AddTransient<IIpInfoProvider, CrashingProvider>()));
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("User-Agent", agent);
        request.Headers.TryAddWithoutValidation("Accept", accept);

        using var response = await app.CreateClient().SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(body, text, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", text, StringComparison.Ordinal);
    }

    private sealed class CrashingProvider : IIpInfoProvider
    {
        public string Name => "crashing";

        public Task<LookupResult> LookupAsync(IPAddress? address, string language, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("secret internal detail");
    }
}
