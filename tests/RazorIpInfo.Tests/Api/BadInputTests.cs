using System.Net;
using RazorIpInfo.Tests.Infrastructure;

namespace RazorIpInfo.Tests.Api;

/// <summary>
/// What people and scripts actually type, sent both to the page's <c>?ip=</c> and to the API path.
/// Each gets its documented status, never a 500, and nothing invalid reaches the upstream.
/// </summary>
public sealed class BadInputTests(SharedSite site) : IClassFixture<SharedSite>
{
    private IpApiEmulator upstream => site.Upstream;

    public static TheoryData<string, HttpStatusCode, string?> Inputs => new()
    {
        // input, status, the address the upstream is asked for (null: none)
        { "999.1.1.1", HttpStatusCode.BadRequest, null },
        { "1.2.3", HttpStatusCode.BadRequest, null },
        { "8", HttpStatusCode.BadRequest, null },
        { "010.8.8.8", HttpStatusCode.BadRequest, null },
        { "8.8.8.8/33", HttpStatusCode.BadRequest, null },
        { "8.8.8.8/ 24", HttpStatusCode.BadRequest, null },
        // A network is answered from arithmetic and the offline data: the upstream is never asked.
        { "8.8.8.8/24", HttpStatusCode.OK, null },
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
        var before = upstream.Requests.Count;

        var response = await site.Client.GetAsync("/?ip=" + Uri.EscapeDataString(input));

        Assert.Equal(expected, response.StatusCode);
        AssertUpstreamAskedOnlyFor(upstreamAddress, before);
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public async Task ApiAnswersEveryInputWithItsDocumentedStatus(string input, HttpStatusCode expected, string? upstreamAddress)
    {
        var before = upstream.Requests.Count;
        // Kestrel itself refuses a NUL in a path, with a bare 400, before the app sees the request.
        var nulInPath = input.Contains('\0', StringComparison.Ordinal);

        var response = await site.Client.GetAsync("/api/ip-info/" + Uri.EscapeDataString(input));

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.BadRequest && !nulInPath)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        }

        AssertUpstreamAskedOnlyFor(upstreamAddress, before);
    }

    /// <summary>
    /// Nothing invalid reaches the upstream; a valid input is asked for in its normal form (now, or by an earlier
    /// test: the shared site caches it).
    /// </summary>
    private void AssertUpstreamAskedOnlyFor(string? address, int before)
    {
        var asked = upstream.Requests.Skip(before).Select(r => r.RequestMessage!.Path).ToList();
        if (address is null)
        {
            Assert.Empty(asked);
            return;
        }

        Assert.All(asked, path => Assert.Equal(IpApiEmulator.PathFor(address), path));
        Assert.True(upstream.RequestsFor(address) >= 1, $"The upstream was never asked for {address}.");
    }

    [Fact]
    public async Task EmptyInputMeansTheVisitorsOwnAddress()
    {
        // Its own site: the count of upstream calls below must not depend on what other tests looked up.
        using var ownUpstream = IpApiEmulator.Start();
        await using var app = new RazorIpInfoFactory(ownUpstream);
        var client = app.CreateClientFor("8.8.8.8");

        var page = await client.GetDocumentAsync("/?ip=");
        var api = await client.GetAsync("/api/ip-info/");

        Assert.Equal("8.8.8.8", page.CardAddress());
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        // The second lookup is answered from the cache.
        Assert.Equal([IpApiEmulator.PathFor("8.8.8.8")], ownUpstream.Requests.Select(r => r.RequestMessage!.Path));
    }
}
