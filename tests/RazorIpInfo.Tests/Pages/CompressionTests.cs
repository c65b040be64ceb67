using System.IO.Compression;
using AngleSharp.Html.Parser;
using RazorIpInfo.Tests.Infrastructure;

namespace RazorIpInfo.Tests.Pages;

/// <summary>Nothing here changes the site: one site for the class (<see cref="SharedSite"/>).</summary>
public sealed class CompressionTests(SharedSite site) : IClassFixture<SharedSite>
{
    [Theory]
    [InlineData("gzip")]
    [InlineData("br")]
    public async Task PageIsSentCompressedToBrowsersThatAskAndStillShowsTheCard(string encoding)
    {
        var client = site.App.CreateClientFor("8.8.8.8");
        client.DefaultRequestHeaders.Add("Accept-Encoding", encoding);

        var response = await client.GetAsync("/");

        Assert.Equal(encoding, Assert.Single(response.Content.Headers.ContentEncoding));
        await using var compressed = await response.Content.ReadAsStreamAsync();
        await using Stream body = encoding == "br"
            ? new BrotliStream(compressed, CompressionMode.Decompress)
            : new GZipStream(compressed, CompressionMode.Decompress);
        using var reader = new StreamReader(body);
        var page = await new HtmlParser().ParseDocumentAsync(await reader.ReadToEndAsync());
        Assert.Equal("8.8.8.8", page.CardAddress());
    }

    [Fact]
    public async Task PageIsSentPlainToClientsThatDoNotAsk()
    {
        var response = await site.App.CreateClientFor("8.8.8.8").GetAsync("/");
        var page = await Html.ParseAsync(response);

        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.Equal("8.8.8.8", page.CardAddress());
    }
}
