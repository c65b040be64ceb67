using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AngleSharp.Dom;
using RazorIpInfo.Tests.Api;
using RazorIpInfo.Tests.Infrastructure;
using RazorIpInfo.Tests.Lookup.GeoDb;
using RazorIpInfo.Tests.Protection;
using WireMock.ResponseBuilders;

namespace RazorIpInfo.Tests.Pages;

/// <summary>
/// The tests that leave the site as it is share one (<see cref="SharedSite"/>): none of them depends on what the
/// cache holds, and those that count upstream requests or batch calls count from where the emulator's log stood when
/// they began, about addresses no other test asks. The one whose batch must hold Google's addresses, which the
/// others cache, and the one that spends the upstream's batch budget start their own, in front of their own emulator.
/// Bodies over the limit go to the in-memory server (<see cref="SharedInMemorySite"/>): Kestrel answers 413 while
/// the client is still sending, and may reset the connection before the client reads the answer.
/// </summary>
public sealed class BulkPageTests(SharedSite site, SharedInMemorySite inMemory) : EmulatedUpstreamTests, IClassFixture<SharedSite>, IClassFixture<SharedInMemorySite>
{
    /// <summary>What a browser does: loads the form (which sets the antiforgery cookie) and posts it back with the token.</summary>
    internal static async Task<HttpResponseMessage> PostFormAsync(
        HttpClient client, string text, (string Name, byte[] Content)? file = null, string handler = "", bool htmx = false)
    {
        var form = (await client.GetDocumentAsync("/bulk")).QuerySelector("form#bulk-form")!;
        var content = new MultipartFormDataContent
        {
            { new StringContent(Token(form)), "__RequestVerificationToken" },
            { new StringContent(text), "text" },
        };
        if (file is { } upload)
        {
            content.Add(new ByteArrayContent(upload.Content), "file", upload.Name);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "/bulk" + handler) { Content = content };
        if (htmx)
        {
            request.Headers.Add("HX-Request", "true");
        }

        return await client.SendAsync(request);
    }

    internal static string Token(IElement form) =>
        form.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;

    private static IReadOnlyList<string> RowAddresses(IDocument page) =>
        [.. page.QuerySelectorAll("#bulk-table tbody tr th").Select(th => th.TextContent.Trim())];

    internal static string Total(IDocument page, string label) =>
        TotalButton(page, label).QuerySelector(".bulk-total-count")!.TextContent;

    private static IElement TotalButton(IDocument page, string label) =>
        page.QuerySelectorAll(".bulk-totals button").Single(b => b.QuerySelector(".bulk-total-label")!.TextContent == label);

    /// <summary>What a sort or filter control does without JavaScript: posts the result's form to its formaction, with the filter fields.</summary>
    internal static async Task<HttpResponseMessage> ViewAsync(
        HttpClient client, IDocument result, string formAction, IEnumerable<(string Name, string Value)>? fields = null, bool htmx = false)
    {
        var form = result.QuerySelector("form#bulk-entries")!;
        List<KeyValuePair<string, string>> body =
        [
            new("__RequestVerificationToken", Token(form)),
            new("entries", form.QuerySelector("input[name=entries]")!.GetAttribute("value")!),
            .. (fields ?? []).Select(f => new KeyValuePair<string, string>(f.Name, f.Value)),
        ];
        using var request = new HttpRequestMessage(HttpMethod.Post, formAction.Split('#')[0]) { Content = new FormUrlEncodedContent(body) };
        if (htmx)
        {
            request.Headers.Add("HX-Request", "true");
        }

        return await client.SendAsync(request);
    }

    private static string SortAction(IDocument page, string column) =>
        page.QuerySelector($"#bulk-sort-{column}")!.GetAttribute("formaction")!;

    private static string[] Column(IDocument page, int index) =>
        [.. page.QuerySelectorAll("#bulk-table tbody tr:not([class])").Select(tr => tr.Children[index].TextContent.Trim())];

    // 31.0.0.2 and its neighbours: the emulator makes their records up, in three countries (US hosting, DE, JP mobile).
    private const string Mixed = "8.8.8.8 31.0.0.2 31.0.1.2 31.0.2.2 31.0.3.2 31.0.4.2 192.168.1.20 999.1.1.1 2001:4860:4860::8888";

    /// <summary>
    /// <see cref="Mixed"/> with 31.<paramref name="second"/>.x.2 for 31.0.x.2, for a test that counts the batch its
    /// list causes: addresses no other test caches, in the same order and, for a multiple of 3, the same made-up countries.
    /// </summary>
    private static string MixedOwn(int second) => Mixed.Replace("31.0.", $"31.{second}.", StringComparison.Ordinal);

    [Fact]
    public async Task TheFormPostsWithAnAntiforgeryTokenAndWorksWithoutJavaScript()
    {
        var page = await site.Client.GetDocumentAsync("/bulk");
        var form = page.QuerySelector("form#bulk-form")!;

        Assert.Equal("post", form.GetAttribute("method"));
        Assert.Equal("/bulk", form.GetAttribute("action"));
        Assert.Equal("multipart/form-data", form.GetAttribute("enctype"));
        Assert.False(string.IsNullOrEmpty(Token(form)));
        Assert.NotNull(page.QuerySelector("textarea#bulk-text[name=text]"));
        Assert.NotNull(page.QuerySelector("input#bulk-file[type=file][name=file]"));
        Assert.NotNull(page.QuerySelector("a[href='/bulk']"));
    }

    [Fact]
    public async Task APastedLogExcerptGivesASummaryAndATableInTheOrderGivenFromOneBatchCall()
    {
        await using var app = new RazorIpInfoFactory(Upstream);
        const string log = """
            8.8.8.8 - - [25/Nov/2026:09:00:00 +0000] "GET / HTTP/1.1" 200 512
            [2001:4860:4860::8888]:443 - - [25/Nov/2026:09:00:01 +0000] "GET /a HTTP/1.1" 404 0
            192.168.1.20 - - [25/Nov/2026:09:00:02 +0000] "GET / HTTP/1.1" 200 512
            999.1.1.1 8.8.8.8 192.0.2.1
            """;

        var response = await PostFormAsync(app.CreateClient(), log);
        var page = await Html.ParseAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["8.8.8.8", "2001:4860:4860::8888", "192.168.1.20", "999.1.1.1", "192.0.2.1"], RowAddresses(page));
        Assert.Equal("5", Total(page, "Entries"));
        Assert.Equal("2", Total(page, "Found"));
        Assert.Equal("1", Total(page, "Not an address"));
        Assert.Equal("1", Total(page, "Private or local"));
        Assert.Equal("1", Total(page, "Reserved"));
        Assert.Equal("2", Total(page, "Hosting or data centre"));
        Assert.Contains("United States", page.QuerySelector(".bulk-counts li")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("Not an IP address.", page.QuerySelector(".bulk-row-invalid .bulk-reason")!.TextContent);
        Assert.Contains("ip-api.com", page.QuerySelectorAll("#bulk-table tbody tr")[0].TextContent, StringComparison.Ordinal);
        Assert.NotEmpty(page.QuerySelectorAll("#bulk-map svg.map circle"));
        Assert.Equal(1, Upstream.BatchRequests);
        Assert.Equal(["8.8.8.8", "2001:4860:4860::8888"], Upstream.BatchedAddresses);
    }

    [Fact]
    public async Task AddressesInAChosenTextFileAreLookedUpWithThePastedOnes()
    {
        var response = await PostFormAsync(site.Client, "8.8.8.8", ("addresses.txt", Encoding.UTF8.GetBytes("1.1.1.1\r\n9.9.9.9\r\n")));
        var page = await Html.ParseAsync(response);

        Assert.Equal(["8.8.8.8", "1.1.1.1", "9.9.9.9"], RowAddresses(page));
    }

    [Fact]
    public async Task APostWithoutTheAntiforgeryTokenIsRefused()
    {
        using var client = site.App.CreateClient();
        await client.GetAsync("/bulk");
        var before = site.Upstream.Requests.Count;

        var response = await client.PostAsync("/bulk", new FormUrlEncodedContent([new("text", "8.8.8.8")]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(site.Upstream.Requests.Skip(before));
    }

    public static TheoryData<string, HttpStatusCode, string> BadInputs => new()
    {
        { "no addresses, only words", HttpStatusCode.BadRequest, "No IP addresses were found in what you sent." },
        { string.Join('\n', BatchApiTests.PublicAddresses(1001)), HttpStatusCode.RequestEntityTooLarge, "That is more than 1,000 addresses. Split the list and look up each part on its own." },
        { new string(' ', 1024 * 1024) + "8.8.8.8", HttpStatusCode.RequestEntityTooLarge, "That is more than 1 MB of text. Send a shorter excerpt or split the file." },
        // 600 K characters, 1.2 MB of UTF-8: the limit is in bytes, as documented (it counted characters).
        { new string('é', 600 * 1024) + " 8.8.8.8", HttpStatusCode.RequestEntityTooLarge, "That is more than 1 MB of text. Send a shorter excerpt or split the file." },
    };

    [Fact]
    public async Task AHugeTokenIsEchoedOnceInTheFieldAndOnlyItsStartInTheResult()
    {
        // 800 KB shaped like a mistyped address, so it earns an "invalid" row; it was echoed three times (a 2.4 MB answer).
        var token = string.Concat(Enumerable.Repeat("1.2.", 200_000)) + "3";

        var response = await PostFormAsync(site.Client, token + "\n8.8.8.8");
        var html = await response.Content.ReadAsStringAsync();
        var page = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(html.Length < token.Length + 100_000, $"{html.Length:N0} characters for an {token.Length:N0}-character token");
        Assert.Equal(token + "\n8.8.8.8", page.QuerySelector("#bulk-text")!.TextContent);
        Assert.Equal([token[..90], "8.8.8.8"], RowAddresses(page));
        Assert.True(page.QuerySelector("input[name=entries]")!.GetAttribute("value")!.Length < 200);
    }

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task BadInputIsExplainedOnThePageAndNothingReachesTheUpstream(string text, HttpStatusCode status, string message)
    {
        var before = inMemory.Upstream.Requests.Count;

        var response = await PostFormAsync(inMemory.Client, text);
        var page = await Html.ParseAsync(response);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(message, page.QuerySelector("#bulk-error")!.TextContent);
        Assert.Empty(inMemory.Upstream.Requests.Skip(before));
    }

    [Fact]
    public async Task AFileOverTheLimitIsExplainedAndNotRead()
    {
        var before = inMemory.Upstream.Requests.Count;

        var response = await PostFormAsync(inMemory.Client, "", ("big.log", Encoding.UTF8.GetBytes(new string('x', 1024 * 1024 + 1))));
        var page = await Html.ParseAsync(response);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("That is more than 1 MB of text. Send a shorter excerpt or split the file.", page.QuerySelector("#bulk-error")!.TextContent);
        Assert.Empty(inMemory.Upstream.Requests.Skip(before));
    }

    [Fact]
    public async Task ARequestFarOverTheLimitIsRefusedWith413BeforeItIsRead()
    {
        var before = inMemory.Upstream.Requests.Count;

        var response = await PostFormAsync(inMemory.Client, "", ("huge.log", new byte[5 * 1024 * 1024]));
        var page = await Html.ParseAsync(response);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("What you sent is larger than this site accepts. Send a shorter list or a smaller file.", page.QuerySelector("section p")!.TextContent);
        Assert.Empty(inMemory.Upstream.Requests.Skip(before));
    }

    [Fact]
    public async Task WithHtmxOnlyTheResultRegionComesBackAndAlwaysAs200()
    {
        var client = site.Client;

        var found = await PostFormAsync(client, "8.8.8.8", htmx: true);
        var empty = await PostFormAsync(client, "nothing", htmx: true);
        var html = await found.Content.ReadAsStringAsync();
        var fragment = await Html.ParseAsync(found);
        var error = await Html.ParseAsync(empty);

        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        Assert.DoesNotContain("<html", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("bulk-form", html, StringComparison.Ordinal);
        Assert.Equal(["8.8.8.8"], RowAddresses(fragment));
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        Assert.Equal("No IP addresses were found in what you sent.", error.QuerySelector("#bulk-error")!.TextContent);
    }

    [Fact]
    public async Task TheCsvDownloadIsAnAttachmentOfTheSameResultSafeForSpreadsheetsAndCostsNoUpstreamCall()
    {
        // An address of its own: 9.9.9.9 is another test's, answered and cached as the emulator makes it up.
        site.Upstream.Answer("9.9.9.19", new { status = "success", query = "9.9.9.19", country = "Switzerland", countryCode = "CH", org = "=HYPERLINK(\"http://evil.example\",\"x\")" });
        var client = site.Client;
        var before = site.Upstream.Requests.Count;
        var page = await Html.ParseAsync(await PostFormAsync(client, "9.9.9.19 8.8.8.8 10.0.0.1 nonsense 999.9.9.9"));
        var download = page.QuerySelector("form.bulk-download")!;

        var response = await client.PostAsync("/bulk?handler=Download", new FormUrlEncodedContent(
        [
            new("__RequestVerificationToken", Token(download)),
            new("entries", download.QuerySelector("input[name=entries]")!.GetAttribute("value")!),
            new("format", "csv"),
        ]));
        var csv = (await response.Content.ReadAsStringAsync()).Split("\r\n");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Matches(@"^ip-info-bulk-\d{8}T\d{6}Z\.csv$", response.Content.Headers.ContentDisposition.FileName);
        Assert.Equal(4, csv.Count(line => line.Length > 0) - 1);
        Assert.StartsWith("9.9.9.19,9.9.9.19,found,Switzerland,CH,", csv[1], StringComparison.Ordinal);
        Assert.Contains(",\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",", csv[1], StringComparison.Ordinal);
        Assert.StartsWith("10.0.0.1,10.0.0.1,private,", csv[3], StringComparison.Ordinal);
        Assert.StartsWith("999.9.9.9,,invalid,", csv[4], StringComparison.Ordinal);
        Assert.Equal(1, site.Upstream.BatchRequestsAfter(before));
    }

    [Fact]
    public async Task TheJsonDownloadHasTheApisShape()
    {
        var client = site.Client;
        var download = (await Html.ParseAsync(await PostFormAsync(client, "8.8.8.8 192.168.0.1"))).QuerySelector("form.bulk-download")!;

        var response = await client.PostAsync("/bulk?handler=Download", new FormUrlEncodedContent(
        [
            new("__RequestVerificationToken", Token(download)),
            new("entries", download.QuerySelector("input[name=entries]")!.GetAttribute("value")!),
            new("format", "json"),
        ]));
        var items = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.EndsWith(".json", response.Content.Headers.ContentDisposition!.FileName, StringComparison.Ordinal);
        Assert.Equal("Ashburn", items[0].GetProperty("city").GetString());
        Assert.Equal(422, items[1].GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task ThePageIsInTheVisitorsLanguageAndSoAreCountryNames()
    {
        using var client = site.App.CreateClient();
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("de-DE");
        var address = BatchApiTests.PublicAddresses(3).First(a => a.Sum(c => c) % 3 == 1);

        var page = await Html.ParseAsync(await PostFormAsync(client, address));

        Assert.Equal("Viele Adressen abfragen", page.QuerySelector("h1")!.TextContent);
        Assert.Equal("Zusammenfassung", page.QuerySelector("#bulk-summary-title")!.TextContent);
        Assert.Equal("Deutschland", page.QuerySelectorAll("#bulk-table tbody td")[0].TextContent);
    }

    [Fact]
    public async Task ThePageCarryingTheTokenIsNeverCompressedOverHttps()
    {
        using var client = site.App.CreateClientFor("8.8.8.8");
        client.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        client.DefaultRequestHeaders.AcceptEncoding.ParseAdd("br");
        client.DefaultRequestHeaders.Accept.ParseAdd("text/html");

        var home = await client.GetAsync("/?ip=8.8.8.8");
        var bulk = await client.GetAsync("/bulk");

        Assert.Equal(HttpStatusCode.OK, bulk.StatusCode);
        Assert.Contains("br", home.Content.Headers.ContentEncoding);
        Assert.Empty(bulk.Content.Headers.ContentEncoding);
    }

    [Fact]
    public async Task SortingAndFilteringSendTheResultsFormBackAndNothingIsLookedUpAgain()
    {
        var client = site.Client;
        var before = site.Upstream.Requests.Count;
        var result = await Html.ParseAsync(await PostFormAsync(client, MixedOwn(3)));

        var byAddress = await ViewAsync(client, result, SortAction(result, "address"));
        var sorted = await Html.ParseAsync(byAddress);
        var reversed = await Html.ParseAsync(await ViewAsync(client, sorted, SortAction(sorted, "address")));
        var german = await Html.ParseAsync(await ViewAsync(client, reversed, reversed.QuerySelector("#bulk-filter-apply")!.GetAttribute("formaction")!,
            [("country", "DE"), ("outcome", "")]));

        Assert.Equal(HttpStatusCode.OK, byAddress.StatusCode);
        Assert.Equal(["8.8.8.8", "31.3.0.2", "31.3.1.2", "31.3.2.2", "31.3.3.2", "31.3.4.2", "192.168.1.20", "2001:4860:4860::8888", "999.1.1.1"], RowAddresses(sorted));
        Assert.Equal("ascending", sorted.QuerySelector("#bulk-table th:has(#bulk-sort-address)")!.GetAttribute("aria-sort"));
        Assert.Single(sorted.QuerySelectorAll("#bulk-table th[aria-sort]"));
        Assert.Equal("Sorted by Address", sorted.QuerySelector("#bulk-table caption")!.TextContent);
        Assert.Equal(["2001:4860:4860::8888", "192.168.1.20", "31.3.4.2", "31.3.3.2", "31.3.2.2", "31.3.1.2", "31.3.0.2", "8.8.8.8", "999.1.1.1"], RowAddresses(reversed));
        Assert.Equal("descending", reversed.QuerySelector("#bulk-table th:has(#bulk-sort-address)")!.GetAttribute("aria-sort"));
        // The filter keeps the sort; the summary still counts the whole result.
        Assert.NotEmpty(RowAddresses(german));
        Assert.All(Column(german, 1), country => Assert.Equal("Germany", country));
        Assert.Equal(RowAddresses(reversed).Where(RowAddresses(german).Contains), RowAddresses(german));
        Assert.Equal("DE", german.QuerySelector("#bulk-filter-country option[selected]")!.GetAttribute("value"));
        Assert.Equal("9", Total(german, "Entries"));
        Assert.Contains($"{RowAddresses(german).Count} of 9 entries shown", german.QuerySelector(".bulk-shown")!.TextContent, StringComparison.Ordinal);
        // The entries came back from the page and were answered by the cache: one batch call in all.
        Assert.Equal(1, site.Upstream.BatchRequestsAfter(before));
    }

    [Fact]
    public async Task EveryCountInTheSummaryShowsItsRows()
    {
        var client = site.Client;
        var before = site.Upstream.Requests.Count;
        var result = await Html.ParseAsync(await PostFormAsync(client, MixedOwn(6)));

        foreach (var (label, filter) in new[] { ("Found", "outcome=found"), ("Not an address", "outcome=invalid"), ("Private or local", "outcome=private"), ("Hosting or data centre", "flag=hosting") })
        {
            var button = TotalButton(result, label);
            Assert.Contains(filter, button.GetAttribute("formaction"), StringComparison.Ordinal);
            Assert.Equal("bulk-entries", button.GetAttribute("form"));
            var shown = await Html.ParseAsync(await ViewAsync(client, result, button.GetAttribute("formaction")!));
            Assert.Equal(int.Parse(Total(result, label), System.Globalization.CultureInfo.InvariantCulture), RowAddresses(shown).Count);
        }

        var country = result.QuerySelectorAll(".bulk-counts button.bulk-count-filter").First(b => b.TextContent.Contains("United States", StringComparison.Ordinal));
        var american = await Html.ParseAsync(await ViewAsync(client, result, country.GetAttribute("formaction")!));
        Assert.Equal(country.QuerySelector(".bulk-count")!.TextContent, RowAddresses(american).Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.All(Column(american, 1), c => Assert.Equal("United States", c));

        var everything = await Html.ParseAsync(await ViewAsync(client, american, TotalButton(american, "Entries").GetAttribute("formaction")!));
        Assert.Equal(9, RowAddresses(everything).Count);
        Assert.Equal(1, site.Upstream.BatchRequestsAfter(before));
    }

    [Fact]
    public async Task EachRowLeadsToItsCardAndItsNetworkInTheChosenLanguage()
    {
        var client = site.Client;

        var page = await Html.ParseAsync(await PostFormAsync(client, "8.8.8.8 2001:4860:4860::8888", handler: "?culture=de"));
        var first = page.QuerySelectorAll("#bulk-table tbody tr")[0];

        Assert.Equal("/?ip=8.8.8.8&culture=de", first.QuerySelector("th a")!.GetAttribute("href"));
        Assert.Equal("/AS15169?culture=de", first.QuerySelector("td a")!.GetAttribute("href"));
        Assert.Equal("/?ip=2001%3A4860%3A4860%3A%3A8888&culture=de", page.QuerySelectorAll("#bulk-table tbody tr")[1].QuerySelector("th a")!.GetAttribute("href"));
        Assert.EndsWith("&culture=de", SortAction(page, "country").Split('#')[0], StringComparison.Ordinal);
        Assert.EndsWith("&culture=de", TotalButton(page, "Gefunden").GetAttribute("formaction")!.Split('#')[0], StringComparison.Ordinal);
        Assert.Equal("Zeilen filtern", page.QuerySelector(".bulk-filter legend")!.TextContent);
        Assert.Equal("Land", page.QuerySelector("label[for=bulk-filter-country]")!.TextContent);
    }

    public static TheoryData<string> HostileViews => new()
    {
        "sort=password&order=sideways",
        "sort=" + new string('x', 4000),
        "country=%00%01&as=AS99999999999&flag=%3Cscript%3E&outcome=maybe",
        "country=DE&country=US&sort=city&sort=as",
        "as=AS-1&country=1A&flag=vpn",
    };

    [Theory]
    [MemberData(nameof(HostileViews))]
    public async Task AViewThatMakesNoSenseShowsTheWholeTableNeverAnError(string query)
    {
        var client = site.Client;
        var result = await Html.ParseAsync(await PostFormAsync(client, Mixed));

        var response = await ViewAsync(client, result, "/bulk?handler=View&" + query, [("country", "&lt;"), ("flag", new string('x', 100_000))]);
        var page = await Html.ParseAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(RowAddresses(result), RowAddresses(page));
        Assert.Empty(page.QuerySelectorAll("#bulk-table th[aria-sort]"));
    }

    [Fact]
    public async Task ASortedTableWithoutItsEntriesIsExplainedNotAnError()
    {
        var client = site.Client;
        var before = site.Upstream.Requests.Count;
        var form = (await client.GetDocumentAsync("/bulk")).QuerySelector("form#bulk-form")!;

        var response = await client.PostAsync("/bulk?handler=View&sort=city", new FormUrlEncodedContent([new("__RequestVerificationToken", Token(form))]));
        var page = await Html.ParseAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("No IP addresses were found in what you sent.", page.QuerySelector("#bulk-error")!.TextContent);
        Assert.Empty(site.Upstream.Requests.Skip(before));
    }

    [Fact]
    public async Task WithHtmxASortBringsOnlyTheTableAndOneShortStatusLine()
    {
        var client = site.Client;
        var result = await Html.ParseAsync(await PostFormAsync(client, Mixed));
        var button = TotalButton(result, "Found");

        var response = await ViewAsync(client, result, button.GetAttribute("hx-post")!, htmx: true);
        var html = await response.Content.ReadAsStringAsync();
        var fragment = await Html.ParseAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("<html", html, StringComparison.OrdinalIgnoreCase);
        Assert.Null(fragment.QuerySelector("#bulk-summary"));
        Assert.Null(fragment.QuerySelector("#bulk-entries"));
        Assert.NotNull(fragment.QuerySelector("#bulk-table-region #bulk-table"));
        Assert.Equal(int.Parse(Total(result, "Found"), System.Globalization.CultureInfo.InvariantCulture), RowAddresses(fragment).Count);
        Assert.Equal($"{RowAddresses(fragment).Count} of 9 entries shown", fragment.QuerySelector("#bulk-status[hx-swap-oob]")!.TextContent);
        Assert.Equal("#bulk-table-region", button.GetAttribute("hx-target") ?? button.ParentElement!.ParentElement!.GetAttribute("hx-target"));
    }

    [GeoDbFact]
    public async Task WithDefaultLimitsAThousandPastedAddressesAreAllAnsweredAndEachRowSaysByWhom()
    {
        // Issue 29's "bulk that works by default", on the page: the batch budget is spent midway by another client.
        Upstream.LimitBatches(limit: 2, TimeSpan.FromMinutes(1));
        await using var app = new RazorIpInfoFactory(Upstream).WithDefaultLimits();
        app.Settings["Lookup:Providers:1"] = "mmdb";
        (await app.CreateClientFor("198.51.100.40").PostAsJsonAsync("/api/ip-info/batch", BatchApiTests.PublicAddresses(20, seed: 18))).Dispose();
        var asked = BatchApiTests.PublicAddresses(1000, seed: 19);

        var response = await PostFormAsync(app.CreateClientFor("198.51.100.41"), string.Join('\n', asked));
        var page = await Html.ParseAsync(response);
        var sources = Column(page, BulkSourceColumn);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(asked, RowAddresses(page));
        Assert.Equal("1,000", Total(page, "Found"));
        Assert.Equal(30, sources.Count(s => s == "ip-api.com"));
        Assert.Equal(970, sources.Count(s => s == "DB-IP"));
        Assert.Equal(0, Upstream.BatchViolations);
    }

    // The address is the row's header, then country, region, city, AS, organisation, flags, source.
    private const int BulkSourceColumn = 7;
}
