using System.Net;
using AngleSharp.Html.Parser;
using Microsoft.AspNetCore.Mvc.Testing;
using RazorIpInfo.Tests.Infrastructure;

namespace RazorIpInfo.Tests.Protection;

/// <summary>
/// BREACH needs a secret and attacker-chosen text in one compressed body. Every response carrying the
/// antiforgery token (/bulk's form, its result, the result's htmx fragment) goes out uncompressed to a
/// client that asks for Brotli or gzip, over plain HTTP as over HTTPS; the card beside it still is compressed.
/// </summary>
public sealed class BreachTests : EmulatedUpstreamTests
{
    private const string TokenField = "__RequestVerificationToken";

    [Theory]
    [InlineData("http")]
    [InlineData("https")]
    public async Task NoResponseCarryingAnAntiforgeryTokenIsCompressedWhateverTheScheme(string scheme)
    {
        await using var app = new RazorIpInfoFactory(Upstream);
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri($"{scheme}://localhost") });
        client.DefaultRequestHeaders.AcceptEncoding.ParseAdd("br, gzip");
        client.DefaultRequestHeaders.Accept.ParseAdd("text/html");

        var card = await client.GetAsync("/?ip=8.8.8.8");
        var form = await client.GetAsync("/bulk");
        var formBody = await form.Content.ReadAsStringAsync();
        var token = (await new HtmlParser().ParseDocumentAsync(formBody))
            .QuerySelector($"form#bulk-form input[name='{TokenField}']")?.GetAttribute("value");
        Assert.NotNull(token);
        var result = await client.SendAsync(Post(token, htmx: false));
        var fragment = await client.SendAsync(Post(token, htmx: true));

        // Compression is on for this scheme: the card, which carries no secret, is compressed.
        Assert.Equal("br", Assert.Single(card.Content.Headers.ContentEncoding));
        foreach (var (name, response) in new[] { ("form", form), ("result", result), ("htmx result", fragment) })
        {
            Assert.Equal((name, HttpStatusCode.OK), (name, response.StatusCode));
            Assert.Equal((name, 0), (name, response.Content.Headers.ContentEncoding.Count));
            // What makes it matter: the token is in this very body, next to the list the visitor sent.
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(body.Contains(TokenField, StringComparison.Ordinal), $"{name} carries no token");
        }
    }

    private static HttpRequestMessage Post(string token, bool htmx)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/bulk")
        {
            Content = new MultipartFormDataContent
            {
                { new StringContent(token), TokenField },
                { new StringContent("8.8.8.8 1.1.1.1"), "text" },
            },
        };
        if (htmx)
        {
            request.Headers.Add("HX-Request", "true");
        }

        return request;
    }
}
