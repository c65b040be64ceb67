using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RazorIpInfo.Tests.Infrastructure;
using RazorIpInfo.Tests.Lookup.GeoDb;

namespace RazorIpInfo.Tests.Lookup;

/// <summary>
/// One lookup path for one address or a thousand: a record in a batch answer is the record
/// <c>/api/ip-info/{ip}</c> returns for the same address, language and provider, network data and provider credit
/// included. Each side runs on a site of its own (no cache shared), on clocks stopped at the same instant, so what
/// is compared is the mapping and the enrichment, not one cache entry read twice.
/// </summary>
[Collection(GeoDbTestGroup.Name)]
public sealed class OneLookupPathTests : EmulatedUpstreamTests
{
    // In the network data extract (Lookup/Networks/Fixture): 1.1.1.0/24 and 1.0.0.0/24, both AS13335.
    private static readonly string[] Addresses = ["1.1.1.1", "1.0.0.1"];

    [Fact]
    public async Task ABatchRecordIsTheSingleRecordWhenIpApiAnswers()
    {
        foreach (var address in Addresses)
        {
            // The same answer from both endpoints, without an AS, so that the network data must fill it in.
            Upstream.Answer(address, new { status = "success", query = address, country = "Australia", countryCode = "AU", city = "Brisbane" });
        }

        await AssertBatchEqualsSingleAsync(provider: "ip-api", expectedProvider: "ip-api.com");
    }

    [GeoDbFact]
    public async Task ABatchRecordIsTheSingleRecordWhenTheOfflineDatabaseAnswers()
    {
        GeoDbFiles.Require();
        await AssertBatchEqualsSingleAsync(provider: "mmdb", expectedProvider: "DB-IP");
    }

    private async Task AssertBatchEqualsSingleAsync(string provider, string expectedProvider)
    {
        await using var batchSite = Site(provider);
        await using var singleSite = Site(provider);

        using var batch = await batchSite.CreateClient().PostAsJsonAsync("/api/ip-info/batch", Addresses);
        Assert.Equal(HttpStatusCode.OK, batch.StatusCode);
        var items = (await batch.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().ToArray();

        for (var i = 0; i < Addresses.Length; i++)
        {
            using var single = await singleSite.CreateClient().GetAsync("/api/ip-info/" + Addresses[i]);
            Assert.Equal(HttpStatusCode.OK, single.StatusCode);
            var record = await single.Content.ReadFromJsonAsync<JsonElement>();

            Assert.Equal(record.GetRawText(), items[i].GetRawText());
            Assert.Equal(expectedProvider, record.GetProperty("provider").GetString());
            Assert.Equal("AS13335", record.GetProperty("asNumber").GetString());
            Assert.EndsWith(".0/24", record.GetProperty("network").GetString(), StringComparison.Ordinal);
        }
    }

    private RazorIpInfoFactory Site(string provider)
    {
        var site = new RazorIpInfoFactory(Upstream);
        site.UseFakeTime();
        site.Settings["Lookup:Providers:0"] = provider;
        return site;
    }
}
