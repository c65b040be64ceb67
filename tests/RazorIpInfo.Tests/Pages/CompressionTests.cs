using System.IO.Compression;
using AngleSharp.Html.Parser;
using RazorIpInfo.Tests.Infrastructure;

namespace RazorIpInfo.Tests.Pages;

public sealed class CompressionTests : EmulatedUpstreamTests
{
    [Theory]
    [InlineData("gzip")]
    [InlineData("br")]
    public async Task PageIsSentCompressedToBrowsersThatAskAndStillShowsTheCard(string encoding)
    {
        await using var app = new RazorIpInfoFactory(Upstream);
        var client = app.CreateClientFor("8.8.8.8");
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
        await using var app = new RazorIpInfoFactory(Upstream);

        var response = await app.CreateClientFor("8.8.8.8").GetAsync("/");
        var page = await Html.ParseAsync(response);

        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.Equal("8.8.8.8", page.CardAddress());
    }
}
