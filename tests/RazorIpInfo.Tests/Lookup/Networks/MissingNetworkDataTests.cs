using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RazorIpInfo.Tests.Infrastructure;

namespace RazorIpInfo.Tests.Lookup.Networks;

/// <summary>Before scripts/fetch-asn.sh: an AS page is not "page not found", and the API does not say the AS announces nothing.</summary>
public sealed class MissingNetworkDataTests : IDisposable
{
    private readonly IpApiEmulator upstream = IpApiEmulator.Start();
    private readonly DirectoryInfo noData = Directory.CreateTempSubdirectory("asn-empty-");

    public void Dispose()
    {
        upstream.Dispose();
        noData.Delete(recursive: true);
    }

    [Fact]
    public async Task AsPageAndApiSayTheNetworkDataIsNotLoadedAndHowToLoadIt()
    {
        await using var app = new RazorIpInfoFactory(upstream);
        app.Settings["Networks:Directory"] = noData.FullName;
        var client = app.CreateClient();

        var pageResponse = await client.GetAsync("/AS15169");
        var page = await Html.ParseAsync(pageResponse);
        var api = await client.GetAsync("/api/as/15169");
        var problem = await api.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, pageResponse.StatusCode);
        Assert.Equal("Network data is not loaded on this server", page.QuerySelector("#as-title")!.TextContent.Trim());
        Assert.Contains("scripts/fetch-asn.sh", page.QuerySelector("main")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType!.MediaType);
        Assert.Equal("Network data not loaded", problem.GetProperty("title").GetString());
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("Network data is not loaded on this server", detail, StringComparison.Ordinal);
        Assert.Contains("scripts/fetch-asn.sh", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("announces no", detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/AS-1", HttpStatusCode.NotFound)]
    [InlineData("/api/as/AS-1", HttpStatusCode.BadRequest)]
    public async Task WhatCouldNeverBeAnAsIsStillRefusedAsBefore(string url, HttpStatusCode status)
    {
        await using var app = new RazorIpInfoFactory(upstream);
        app.Settings["Networks:Directory"] = noData.FullName;

        var response = await app.CreateClient().GetAsync(url);

        Assert.Equal(status, response.StatusCode);
    }
}
