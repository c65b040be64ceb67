using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using RazorIpInfo.Tests.Infrastructure;
using RazorIpInfo.Tests.Lookup.GeoDb;

namespace RazorIpInfo.Tests.Pages;

/// <summary>
/// A fresh clone on a machine with no route to ip-api.com (a loopback port that refuses connections) and the
/// offline database not fetched yet: the default provider chain, its folder empty.
/// </summary>
public sealed class OfflineTests : IDisposable
{
    private readonly IpApiEmulator upstream = IpApiEmulator.Start();
    private readonly DirectoryInfo noDatabase = Directory.CreateTempSubdirectory("geodb-empty-");

    public void Dispose()
    {
        upstream.Dispose();
        noDatabase.Delete(recursive: true);
    }

    private RazorIpInfoFactory OfflineSite()
    {
        var app = new RazorIpInfoFactory(upstream);
        app.Settings["IpApi:BaseUrl"] = IpApiEmulator.ClosedPortUrl();
        app.Settings["Lookup:Providers:1"] = "mmdb";
        app.Settings["GeoDb:Directory"] = noDatabase.FullName;
        return app;
    }

    internal static HttpRequestMessage Curl(string url)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.UserAgent.ParseAdd("curl/8.5.0");
        request.Headers.Accept.ParseAdd("*/*");
        return request;
    }

    [Fact]
    public async Task OwnCardOnTheLocalNetworkSaysOnlyIpApiKnowsTheServersAddressAndHowToGetTheDatabase()
    {
        await using var app = OfflineSite();
        var client = app.CreateClientFor("192.168.1.20");

        var page = await client.GetDocumentAsync("/");
        var api = await client.GetAsync("/api/ip-info");
        var problem = await api.Content.ReadFromJsonAsync<JsonElement>();
        var text = await client.SendAsync(Curl("/"));
        var line = await text.Content.ReadAsStringAsync();

        Assert.Equal("Finding this server's public address needs ip-api.com", page.CardTitle());
        Assert.Contains("local network", page.Card().TextContent, StringComparison.Ordinal);
        Assert.Contains("scripts/fetch-geodb.sh", page.Card().TextContent, StringComparison.Ordinal);
        // Without the database, a lookup of another address would fail just the same: no link offers one.
        Assert.Null(page.Card().QuerySelector("a[href^='/?ip=']"));

        Assert.Equal(HttpStatusCode.BadGateway, api.StatusCode);
        Assert.Equal("Server's public address unknown", problem.GetProperty("title").GetString());
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("local network", detail, StringComparison.Ordinal);
        Assert.Contains("scripts/fetch-geodb.sh", detail, StringComparison.Ordinal);

        // curl prints the same reason, on one line.
        Assert.Equal(HttpStatusCode.BadGateway, text.StatusCode);
        Assert.Equal(detail + "\n", line);
    }

    public static TheoryData<string> Surfaces => ["page", "api", "text"];

    [Theory]
    [MemberData(nameof(Surfaces))]
    public async Task EveryLookupWhileOfflineSaysTheServerCannotReachIpApiAndHowToFixIt(string surface)
    {
        await using var app = OfflineSite();
        var client = app.CreateClient();

        // Five lookups in a row, of five addresses (no cached failure): from the second on, the circuit is open.
        for (var i = 1; i <= 5; i++)
        {
            var address = $"8.8.{i}.8";
            var (status, said) = surface switch
            {
                "page" => await PageAsync(client, "/?ip=" + address),
                "api" => await ApiAsync(client, "/api/ip-info/" + address),
                _ => await TextAsync(client, "/country?ip=" + address),
            };

            Assert.True(said.Contains("cannot reach ip-api.com", StringComparison.Ordinal) || said.Contains("does not reach ip-api.com", StringComparison.Ordinal),
                $"lookup {i}: {said}");
            Assert.Contains("scripts/fetch-geodb.sh", said, StringComparison.Ordinal);
            Assert.DoesNotContain("usually brief", said, StringComparison.Ordinal);
            Assert.DoesNotContain("shortly", said, StringComparison.Ordinal);
            Assert.Equal(surface == "page" ? HttpStatusCode.OK : HttpStatusCode.BadGateway, status);
        }
    }

    private static async Task<(HttpStatusCode, string)> PageAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        var page = await Html.ParseAsync(response);
        return (response.StatusCode, page.CardTitle() + " " + page.Card().TextContent);
    }

    private static async Task<(HttpStatusCode, string)> ApiAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (response.StatusCode, problem.GetProperty("detail").GetString()!);
    }

    private static async Task<(HttpStatusCode, string)> TextAsync(HttpClient client, string url)
    {
        var response = await client.SendAsync(Curl(url));
        var line = await response.Content.ReadAsStringAsync();
        Assert.Equal(1, line.Count(c => c == '\n'));
        return (response.StatusCode, line);
    }

    [Fact]
    public async Task AnOfflineRunLogsAtMostTwoLinesForTheOutageAndOnePerRequestWithoutStackTraces()
    {
        await using var app = OfflineSite();
        var local = app.CreateClientFor("192.168.1.20");
        var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        // Start-up's lines (the database is missing) are not the run's.
        var startUp = app.Logs.GetSnapshot().Count;

        // What the first hour looks like, in four rounds: the own card, a lookup, the API, a text endpoint, /bulk, an AS page.
        const int Rounds = 4;
        var requests = 0;
        for (var round = 1; round <= Rounds; round++)
        {
            await local.GetAsync("/");
            await client.GetAsync($"/?ip=8.8.{round}.8");
            await client.GetAsync($"/api/ip-info/9.9.{round}.9");
            await client.SendAsync(Curl($"/country?ip=1.1.{round}.1"));
            await client.GetAsync("/bulk");
            await client.GetAsync("/AS15169");
            requests += 6;
        }

        // What the site's own logging rules let through at Warning: the factory clears them to see everything,
        // and they keep Polly out (IpApiRegistration: the client says when an outage starts and ends).
        var run = app.Logs.GetSnapshot().Skip(startUp)
            .Where(log => log.Level >= LogLevel.Warning && log.Category?.StartsWith("Polly", StringComparison.Ordinal) != true)
            .ToList();
        var described = string.Join("\n", run.Select(log => $"{log.Level} {log.Category}: {log.Message}"));

        // Nothing the operator can do anything about, on every GET /bulk.
        Assert.DoesNotContain(run, log => log.Category == "Microsoft.AspNetCore.Antiforgery.DefaultAntiforgery");
        const int Outages = 1;
        Assert.True(run.Count <= (2 * Outages) + requests, $"{run.Count} lines at Warning or above for {requests} requests:\n{described}");
        // The upstream's own lines: one when the outage starts, however many lookups it fails.
        Assert.True(run.Count(log => log.Category == typeof(RazorIpInfo.Lookup.IpApi.IpApiClient).FullName) <= Outages, described);
        // An expected failure (refused, circuit open) is a line, not a stack trace.
        Assert.True(run.All(log => log.Exception is null), "stack traces:\n" + string.Join("\n", run.Where(log => log.Exception is not null).Select(log => $"{log.Category}: {log.Message}")));
    }
}

/// <summary>The same offline server once the offline database is fetched: it answers any address, but not the server's own.</summary>
[Collection(GeoDbTestGroup.Name)]
public sealed class OfflineWithDatabaseTests : IDisposable
{
    private readonly IpApiEmulator upstream = IpApiEmulator.Start();

    public void Dispose() => upstream.Dispose();

    [GeoDbFact]
    public async Task OwnCardOffersALookupTheDatabaseAnswersAndNeverAsksToFetchItAgain()
    {
        GeoDbFiles.Require();
        await using var app = new RazorIpInfoFactory(upstream);
        app.Settings["IpApi:BaseUrl"] = IpApiEmulator.ClosedPortUrl();
        app.Settings["Lookup:Providers:1"] = "mmdb";
        var client = app.CreateClientFor("192.168.1.20");

        var page = await client.GetDocumentAsync("/");
        var api = await client.GetAsync("/api/ip-info");
        var detail = (await api.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
        var text = await client.SendAsync(OfflineTests.Curl("/"));
        var line = await text.Content.ReadAsStringAsync();

        Assert.Equal("Finding this server's public address needs ip-api.com", page.CardTitle());
        Assert.DoesNotContain("fetch", page.Card().TextContent, StringComparison.OrdinalIgnoreCase);
        var lookUp = page.Card().QuerySelector("a.button[href^='/?ip=']");
        Assert.NotNull(lookUp);
        // The link works offline: the database answers it.
        var answer = await client.GetDocumentAsync(lookUp.GetAttribute("href")!);
        Assert.Equal("8.8.8.8", answer.CardAddress());
        Assert.Contains("Data from DB-IP", answer.Card().QuerySelector(".provenance")!.TextContent, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.BadGateway, api.StatusCode);
        Assert.Contains("local network", detail, StringComparison.Ordinal);
        Assert.Contains("offline database answers", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("fetch", detail, StringComparison.OrdinalIgnoreCase);
        Assert.Equal((HttpStatusCode.BadGateway, detail + "\n"), (text.StatusCode, line));
    }
}
