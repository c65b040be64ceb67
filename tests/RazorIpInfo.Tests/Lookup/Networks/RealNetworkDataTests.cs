using System.Net;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using RazorIpInfo.Lookup.Networks;

namespace RazorIpInfo.Tests.Lookup.Networks;

/// <summary>The real files scripts/fetch-asn.sh fetched, read by the site's own loader.</summary>
public sealed class RealNetworkDataTests
{
    private static readonly Lazy<NetworkDatabase> Real = new(() =>
    {
        NetworkFiles.RequireReal();
        return new NetworkDatabase(Options.Create(new NetworkOptions { Directory = NetworkFiles.Real }),
            new FakeEnvironment(), TimeProvider.System, new FakeLogger<NetworkDatabase>());
    });

    [NetworkDataTheory]
    [InlineData("8.8.8.8", 15169u, "Google", "8.8.8.0/24")]
    [InlineData("1.1.1.1", 13335u, "Cloudflare", "1.1.1.0/24")]
    [InlineData("2001:4860:4860::8888", 15169u, "Google", "2001:4860:")]
    [InlineData("2606:4700:4700::1111", 13335u, "Cloudflare", "2606:4700:")]
    public void KnownNetworksAreWhereTheyShouldBe(string address, uint asNumber, string organisation, string prefixStart)
    {
        var match = Real.Value.Find(IPAddress.Parse(address));

        Assert.NotNull(match);
        Assert.Equal(asNumber, match.AsNumber);
        Assert.Contains(organisation, match.Organisation, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith(prefixStart, match.Prefix, StringComparison.Ordinal);
        Assert.True(IPNetwork.Parse(match.Prefix).Contains(IPAddress.Parse(address)), match.Prefix);
    }

    [NetworkDataFact]
    public void LargeAsHasPrefixesInBothFamilies()
    {
        var google = Real.Value.DescribeAs(15169);

        Assert.NotNull(google);
        Assert.True(google.Ipv4Prefixes > 10 && google.Ipv6Prefixes > 0, $"{google.Ipv4Prefixes} IPv4, {google.Ipv6Prefixes} IPv6 prefixes");
        Assert.Equal(google.Ipv4Prefixes + google.Ipv6Prefixes, google.Prefixes.Count);
    }
}
