using System.Net;
using RazorIpInfo.Tests.Infrastructure;

namespace RazorIpInfo.Tests.Api;

/// <summary>
/// What people and scripts actually type, sent both to the page's <c>?ip=</c> and to the API path.
/// Each gets its documented status, never a 500, and nothing invalid reaches the upstream.
/// </summary>
public sealed class BadInputTests : IDisposable
{
    private readonly IpApiEmulator upstream = IpApiEmulator.Start();

    public void Dispose() => upstream.Dispose();

    public static TheoryData<string, HttpStatusCode, string?> Inputs => new()
    {
        // input, status, the address the upstream is asked for (null: none)
        { "999.1.1.1", HttpStatusCode.BadRequest, null },
        { "1.2.3", HttpStatusCode.BadRequest, null },
        { "8", HttpStatusCode.BadRequest, null },
        { "010.8.8.8", HttpStatusCode.BadRequest, null },
        { "8.8.8.8/24", HttpStatusCode.BadRequest, null },
        { "8.8.8.8?key=x", HttpStatusCode.BadRequest, null },
        { "../", HttpStatusCode.BadRequest, null },
        { "\0", HttpStatusCode.BadRequest, null },
        { new string('1', 2048), HttpStatusCode.BadRequest, null },
        { "fe80::1%eth0", HttpStatusCode.BadRequest, null },
        { "[2001:4860:4860::8888]", HttpStatusCode.BadRequest, null },
        // Host names are looked up (see Lookup/HostNames); malformed ones are bad input.
        { "example..com", HttpStatusCode.BadRequest, null },
        { "bad_name.example", HttpStatusCode.BadRequest, null },
        { " 8.8.8.8 ", HttpStatusCode.OK, "8.8.8.8" },
        { "::ffff:8.8.8.8", HttpStatusCode.OK, "8.8.8.8" },
        { "2001:4860:4860:0:0:0:0:8888", HttpStatusCode.OK, "2001:4860:4860::8888" },
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public async Task PageAnswersEveryInputWithItsDocumentedStatus(string input, HttpStatusCode expected, string? upstreamAddress)
    {
        await using var app = new RazorIpInfoFactory(upstream);

        var response = await app.CreateClient().GetAsync("/?ip=" + Uri.EscapeDataString(input));

        Assert.Equal(expected, response.StatusCode);
        AssertUpstreamSaw(upstreamAddress);
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public async Task ApiAnswersEveryInputWithItsDocumentedStatus(string input, HttpStatusCode expected, string? upstreamAddress)
    {
        await using var app = new RazorIpInfoFactory(upstream);
        var nulInPath = input.Contains('\0', StringComparison.Ordinal);
        if (nulInPath)
        {
            // The in-memory test server cannot carry a NUL in a path; the real listener refuses it
            // itself, with a bare 400, before the app sees the request.
            app.UseKestrel(0);
            app.StartServer();
        }

        var response = await app.CreateClient().GetAsync("/api/ip-info/" + Uri.EscapeDataString(input));

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.BadRequest && !nulInPath)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        }

        AssertUpstreamSaw(upstreamAddress);
    }

    [Fact]
    public async Task EmptyInputMeansTheVisitorsOwnAddress()
    {
        await using var app = new RazorIpInfoFactory(upstream);
        var client = app.CreateClientFor("8.8.8.8");

        var page = await client.GetDocumentAsync("/?ip=");
        var api = await client.GetAsync("/api/ip-info/");

        Assert.Equal("8.8.8.8", page.CardAddress());
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        AssertUpstreamSaw("8.8.8.8"); // the second lookup is answered from the cache
    }

    private void AssertUpstreamSaw(string? address, int times = 1)
    {
        var paths = upstream.Requests.Select(r => r.RequestMessage!.Path).ToList();
        Assert.Equal(address is null ? [] : Enumerable.Repeat(IpApiEmulator.PathFor(address), times), paths);
    }
}
