using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RazorIpInfo.Tests.Infrastructure;
using RazorIpInfo.Tests.Lookup.GeoDb;
using RazorIpInfo.Tests.Pages;
using static RazorIpInfo.Tests.Lookup.Tor.TorSiteTests;

namespace RazorIpInfo.Tests.Lookup.Tor;

/// <summary>
/// The flag a visitor sees: on the card, in the JSON, as text and in bulk, whichever provider answered. The tests
/// on the list as <see cref="TorSiteTests"/> serve it share one site (<see cref="TorExitListSite"/>); the ones
/// without a list, with another provider or that change the list are <see cref="OnSitesOfTheirOwn"/>.
/// </summary>
public sealed class TorExitFlagTests(TorExitListSite site) : IClassFixture<TorExitListSite>
{
    public static TheoryData<string, bool> Addresses => new()
    {
        { ListedV4, true },
        { ListedV6, true },
        { UnlistedV4, false },
        { UnlistedV6, false },
    };

    [Theory]
    [MemberData(nameof(Addresses))]
    public async Task AnAddressOnTheListIsATorExitOnTheCardInTheJsonAndAsText(string address, bool listed)
    {
        var client = site.Client;

        var card = await client.GetDocumentAsync("/?ip=" + Uri.EscapeDataString(address));
        var json = await client.GetFromJsonAsync<JsonElement>("/api/ip-info/" + address);
        var text = await client.GetAsync("/tor?ip=" + Uri.EscapeDataString(address));

        Assert.Equal(listed, card.Facts().GetValueOrDefault("Network", "").Contains("Tor exit node", StringComparison.Ordinal));
        Assert.Equal(listed, json.GetProperty("tor").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, text.StatusCode);
        Assert.Equal(listed ? "yes\n" : "no\n", await text.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TheCardSaysTorExitNodeInEachLanguage()
    {
        var client = site.Client;

        var german = await client.GetDocumentAsync("/?ip=8.8.8.8&culture=de");
        var japanese = await client.GetDocumentAsync("/?ip=8.8.8.8&culture=ja");

        Assert.Contains("Tor-Exit-Knoten", german.Card().TextContent, StringComparison.Ordinal);
        Assert.Contains("Tor 出口ノード", japanese.Card().TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheTextAnswerForAnAddressNeedsNoLookup()
    {
        // An exit no other test asks about: a lookup made here could not be hidden by one cached for another.
        var text = await site.Client.GetStringAsync("/tor?ip=" + TorExitListSite.ExitAskedAboutOnce);

        Assert.Equal("yes\n", text);
        Assert.Equal(0, site.Upstream.RequestsFor(TorExitListSite.ExitAskedAboutOnce));
    }

    [Fact]
    public async Task BulkCountsTorExitsAndFlagsTheirRows()
    {
        var client = site.Client;

        var page = await Html.ParseAsync(await BulkPageTests.PostFormAsync(client, $"{ListedV4}\n{UnlistedV4}\n185.220.101.1\n"));

        Assert.Equal("2", BulkPageTests.Total(page, "Tor exit node"));
        var flagged = page.QuerySelectorAll("#bulk-table tbody tr")
            .Where(row => row.TextContent.Contains("Tor exit node", StringComparison.Ordinal))
            .Select(row => row.QuerySelector("th")!.TextContent.Trim());
        Assert.Equal(new[] { "185.220.101.1", ListedV4 }, flagged.Order(StringComparer.Ordinal).ToArray());
    }

    /// <summary>
    /// The flag's tests that a shared site would not do for: no list at all, another provider first, or a list
    /// changed under the site (and a count of lookups from zero), each on a site and emulator of its own.
    /// </summary>
    public sealed class OnSitesOfTheirOwn : TorSiteTests
    {
        [Fact]
        public async Task WithoutAListTheFlagIsUnknownNotNo()
        {
            // The factory's default: no list URL, so nothing is downloaded and no list is loaded.
            await using var app = new RazorIpInfoFactory(Upstream);
            var client = app.CreateClient();

            var json = await client.GetFromJsonAsync<JsonElement>("/api/ip-info/8.8.8.8");
            var text = await client.GetStringAsync("/tor?ip=8.8.8.8");
            var card = await client.GetDocumentAsync("/?ip=8.8.8.8");

            Assert.Equal(JsonValueKind.Null, json.GetProperty("tor").ValueKind);
            Assert.Equal("unknown\n", text);
            Assert.DoesNotContain("Tor exit node", card.Card().TextContent, StringComparison.Ordinal);
        }

        [Fact]
        public async Task ACachedAnswerTakesTheFlagOfTheListLoadedNow()
        {
            var app = Site();
            await UntilDownloadedAsync(app);
            var client = app.CreateClient();
            var before = await client.GetFromJsonAsync<JsonElement>("/api/ip-info/" + UnlistedV4);

            List.Serve(ExitList + UnlistedV4 + "\n");
            Assert.True(await Data(app).RefreshAsync(CancellationToken.None));
            var after = await client.GetFromJsonAsync<JsonElement>("/api/ip-info/" + UnlistedV4);

            Assert.False(before.GetProperty("tor").GetBoolean());
            Assert.True(after.GetProperty("tor").GetBoolean());
            // The second answer came from the cache: only the flag is new.
            Assert.Equal(1, Upstream.RequestsFor(UnlistedV4));
        }

        [GeoDbFact]
        public async Task TheOfflineDatabasesAnswerIsFlaggedToo()
        {
            var app = Site(("Lookup:Providers:0", "mmdb"));
            await UntilDownloadedAsync(app);

            var card = await app.CreateClient().GetDocumentAsync("/?ip=185.220.101.1");

            Assert.Contains("Tor exit node", card.Facts()["Network"], StringComparison.Ordinal);
            Assert.Equal(0, Upstream.RequestsFor("185.220.101.1"));
        }
    }
}
