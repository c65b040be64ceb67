using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace RazorIpInfo.Tests.Infrastructure;

internal static class Html
{
    public static async Task<IDocument> ParseAsync(HttpResponseMessage response)
    {
        var html = await response.Content.ReadAsStringAsync();
        return await new HtmlParser().ParseDocumentAsync(html);
    }

    public static async Task<IDocument> GetDocumentAsync(this HttpClient client, string url) =>
        await ParseAsync(await client.GetAsync(url));

    /// <summary>The card's label → value pairs, as a reader sees them.</summary>
    public static IReadOnlyDictionary<string, string> Facts(this IDocument document) =>
        document.QuerySelectorAll("#ip-card .fact").ToDictionary(
            fact => fact.QuerySelector("dt")!.TextContent.Trim(),
            fact => fact.QuerySelector("dd")!.TextContent.Trim());

    public static IElement Card(this IDocument document) =>
        document.QuerySelector("#ip-card") ?? throw new Xunit.Sdk.XunitException("The page has no #ip-card.");

    public static string CardAddress(this IDocument document) => document.Card().QuerySelector(".address")!.TextContent.Trim();

    public static string CardTitle(this IDocument document) => document.Card().QuerySelector("h2")!.TextContent.Trim();
}
