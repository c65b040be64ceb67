using System.Net;

namespace RazorIpInfo.Tests.Lookup.Rdap;

/// <summary>Each registry has its own circuit: one that keeps timing out is given up on, and the others still answer.</summary>
public sealed class RdapCircuitTests(RdapSite site) : IClassFixture<RdapSite>
{
    [Fact]
    public async Task A_registry_that_keeps_timing_out_is_given_up_on_while_another_registry_answers()
    {
        string[] stalling = [.. Enumerable.Range(1, 6).Select(n => $"8.8.9.{n}")];
        foreach (var address in stalling)
        {
            site.Arin.On($"/registry/ip/{address}", RdapEmulator.Stall());
        }

        var timedOut = await Task.WhenAll(stalling.Select(address => site.Client.GetAsync($"/api/ip-info/{address}/registration")));
        Assert.All(timedOut, response => Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode));

        // ARIN's circuit is open: its good address fails fast, without a call.
        var arin = await site.Client.GetAsync($"/api/ip-info/{RdapRegistries.ArinAddress}/registration");
        Assert.Equal(HttpStatusCode.BadGateway, arin.StatusCode);
        Assert.Equal(0, site.Arin.RequestsTo($"/registry/ip/{RdapRegistries.ArinAddress}"));

        var ripe = await site.Client.GetAsync($"/api/ip-info/{RdapRegistries.RipeAddress}/registration");
        Assert.Equal(HttpStatusCode.OK, ripe.StatusCode);
    }
}
