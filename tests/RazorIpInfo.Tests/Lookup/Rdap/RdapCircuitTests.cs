using System.Net;
using Microsoft.Extensions.DependencyInjection;
using RazorIpInfo.Tests.Infrastructure;

namespace RazorIpInfo.Tests.Lookup.Rdap;

/// <summary>Each registry has its own circuit: one that keeps timing out is given up on, and the others still answer.</summary>
public sealed class RdapCircuitTests(RdapCircuitTests.CircuitSite site) : IClassFixture<RdapCircuitTests.CircuitSite>
{
    /// <summary>
    /// The RDAP site with its registry client's resilience pipeline on the fake clock too (the pipeline takes the
    /// container's <see cref="TimeProvider"/>): attempts time out, and the breaker's window and break run, only when
    /// the test moves it. On real time the test waited a second for the timeouts, and once found the circuit still
    /// closed after six of them on a busy machine.
    /// </summary>
    public sealed class CircuitSite : RdapSite
    {
        protected override void Configure(RazorIpInfoFactory app) =>
            app.ConfigureTestServices = services => services.AddSingleton<TimeProvider>(Clock);
    }

    [Fact]
    public async Task A_registry_that_keeps_timing_out_is_given_up_on_while_another_registry_answers()
    {
        string[] stalling = [.. Enumerable.Range(1, 6).Select(n => $"8.8.9.{n}")];
        foreach (var address in stalling)
        {
            site.Arin.On($"/registry/ip/{address}", RdapEmulator.Stall());
        }

        var calls = Task.WhenAll(stalling.Select(address => site.Client.GetAsync($"/api/ip-info/{address}/registration")));
        // Every attempt's timeout is set before its request is sent: once all six have reached the registry, one
        // move of the clock past Rdap:Timeout (1 s) ends them all.
        for (var bound = DateTime.UtcNow.AddSeconds(20); stalling.Any(address => site.Arin.RequestsTo($"/registry/ip/{address}") == 0); await Task.Delay(10))
        {
            Assert.True(DateTime.UtcNow < bound, "The six registry calls did not all begin within 20 s.");
        }

        site.Clock.Advance(TimeSpan.FromSeconds(1));
        var timedOut = await calls;
        Assert.All(timedOut, response => Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode));

        // ARIN's circuit is open: its good address fails fast, without a call.
        var arin = await site.Client.GetAsync($"/api/ip-info/{RdapRegistries.ArinAddress}/registration");
        Assert.Equal(HttpStatusCode.BadGateway, arin.StatusCode);
        Assert.Equal(0, site.Arin.RequestsTo($"/registry/ip/{RdapRegistries.ArinAddress}"));

        var ripe = await site.Client.GetAsync($"/api/ip-info/{RdapRegistries.RipeAddress}/registration");
        Assert.Equal(HttpStatusCode.OK, ripe.StatusCode);
    }
}
