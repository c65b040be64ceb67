using System.Net;
using RazorIpInfo.Lookup;

namespace RazorIpInfo.UnitTests.Lookup;

/// <summary>IANA's special-purpose registries, row by row: nothing non-public may be sent upstream.</summary>
public sealed class AddressScopeTests
{
    [Theory]
    // IPv4 special-purpose registry
    [InlineData("0.1.2.3", AddressKind.Reserved)]
    [InlineData("10.20.30.40", AddressKind.Private)]
    [InlineData("100.64.0.1", AddressKind.SharedCgnat)]
    [InlineData("100.127.255.254", AddressKind.SharedCgnat)]
    [InlineData("127.0.0.1", AddressKind.Loopback)]
    [InlineData("169.254.169.254", AddressKind.LinkLocal)]
    [InlineData("172.31.255.255", AddressKind.Private)]
    [InlineData("192.0.0.8", AddressKind.Reserved)]
    [InlineData("192.0.0.9", AddressKind.Public)]
    [InlineData("192.0.2.1", AddressKind.Reserved)]
    [InlineData("192.88.99.1", AddressKind.Reserved)]
    [InlineData("192.168.1.1", AddressKind.Private)]
    [InlineData("198.18.0.1", AddressKind.Reserved)]
    [InlineData("198.51.100.7", AddressKind.Reserved)]
    [InlineData("203.0.113.7", AddressKind.Reserved)]
    [InlineData("224.0.0.251", AddressKind.Reserved)]
    [InlineData("240.0.0.1", AddressKind.Reserved)]
    [InlineData("255.255.255.255", AddressKind.Reserved)]
    [InlineData("8.8.8.8", AddressKind.Public)]
    [InlineData("172.32.0.1", AddressKind.Public)]
    [InlineData("100.128.0.1", AddressKind.Public)]
    // IPv6 special-purpose registry
    [InlineData("::", AddressKind.Reserved)]
    [InlineData("::1", AddressKind.Loopback)]
    [InlineData("::8.8.8.8", AddressKind.Reserved)]
    [InlineData("::ffff:10.0.0.1", AddressKind.Private)]
    [InlineData("::ffff:8.8.8.8", AddressKind.Public)]
    [InlineData("64:ff9b::10.0.0.1", AddressKind.Private)]
    [InlineData("64:ff9b::127.0.0.1", AddressKind.Loopback)]
    [InlineData("64:ff9b::8.8.8.8", AddressKind.Public)]
    [InlineData("64:ff9b:1::1", AddressKind.Private)]
    [InlineData("100::1", AddressKind.Reserved)]
    [InlineData("2001::1", AddressKind.Reserved)]
    [InlineData("2001:2::1", AddressKind.Reserved)]
    [InlineData("2001:4:112::1", AddressKind.Public)]
    [InlineData("2001:db8::1", AddressKind.Reserved)]
    [InlineData("2002:0a00:0001::1", AddressKind.Private)]
    [InlineData("2002:7f00:0001::1", AddressKind.Loopback)]
    [InlineData("2002:0808:0808::1", AddressKind.Public)]
    [InlineData("3fff::1", AddressKind.Reserved)]
    [InlineData("5f00::1", AddressKind.Reserved)]
    [InlineData("fc00::1", AddressKind.Private)]
    [InlineData("fd12:3456::1", AddressKind.Private)]
    [InlineData("fe80::1", AddressKind.LinkLocal)]
    [InlineData("fec0::1", AddressKind.Private)]
    [InlineData("ff02::1", AddressKind.Reserved)]
    [InlineData("4000::1", AddressKind.Reserved)]
    [InlineData("2001:4860:4860::8888", AddressKind.Public)]
    [InlineData("2a00:1450:4001::1", AddressKind.Public)]
    public void ClassifiesEveryRegistryEntry(string address, AddressKind expected) =>
        Assert.Equal(expected, AddressScope.Classify(IPAddress.Parse(address)));

    [Fact]
    public void AZoneIdIsDroppedSoItNeverReachesAProviderOrACacheKey()
    {
        var withZone = IPAddress.Parse("2001:4860:4860::8888%3");

        var normalised = AddressInput.Normalise(withZone);

        Assert.Equal("2001:4860:4860::8888", normalised.ToString());
    }
}
