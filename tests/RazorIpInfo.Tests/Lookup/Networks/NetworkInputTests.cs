using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using RazorIpInfo.Lookup;
using RazorIpInfo.Lookup.Networks;
using RazorIpInfo.Pages.Card;

namespace RazorIpInfo.Tests.Lookup.Networks;

/// <summary>A network typed in place of an address: how it is read, its figures, its scope and who announces it.</summary>
public sealed class NetworkInputTests
{
    private static readonly Lazy<NetworkDatabase> Fixture = new(() => new NetworkDatabase(
        Options.Create(new NetworkOptions { Directory = NetworkFiles.Fixture, ReloadCheckInterval = TimeSpan.Zero }),
        new FakeEnvironment(), TimeProvider.System, new FakeLogger<NetworkDatabase>()));

    [Theory]
    [InlineData("8.8.8.0/24", "8.8.8.0/24", false)]
    [InlineData(" 8.8.8.0/24 ", "8.8.8.0/24", false)]
    [InlineData("8.8.8.8/24", "8.8.8.0/24", true)]
    [InlineData("8.8.8.8/32", "8.8.8.8/32", false)]
    [InlineData("8.8.8.8/0", "0.0.0.0/0", true)]
    [InlineData("0.0.0.0/0", "0.0.0.0/0", false)]
    [InlineData("2001:db8::/32", "2001:db8::/32", false)]
    [InlineData("2001:DB8:0:0::1/32", "2001:db8::/32", true)]
    [InlineData("::/0", "::/0", false)]
    [InlineData("2001:4860:4860::8888/128", "2001:4860:4860::8888/128", false)]
    [InlineData("::ffff:8.8.8.0/120", "8.8.8.0/24", false)]
    public void ANetworkIsReadWithItsHostBitsClearedAndSaidToHaveBeenSet(string typed, string network, bool hadHostBits)
    {
        Assert.Equal(NetworkInputKind.Network, AddressInput.ReadNetwork(typed, out var input));
        Assert.Equal((network, hadHostBits), (input!.Network.ToString(), input.HadHostBits));
    }

    public static TheoryData<string> Malformed => new()
    {
        "8.8.8.0/33", "8.8.8.0/-1", "8.8.8.0/ 24", "8.8.8.0 /24", "8.8.8.0/2 4", "8.8.8.0/+24", "8.8.8.0/024",
        "8.8.8.0/24/", "8.8.8.0/24/24", "8.8.8.0/", "/24", "/", "8.8.8.0/0x18", "8.8.8.0/1e1", "8.8.8.0/٢٤",
        "0x08080800/24", "134744064/24", "010.8.8.0/24", "8.8.8/24", "8.8.8.0.0/24", "999.8.8.0/24",
        "2001:db8::/129", "2001:db8::/1000", "fe80::%eth0/64", "[2001:db8::]/32", "example.com/24", "8.8.8.0/24\0",
        "8.8.8.0\t/24", "8.8.8.0\0/24", new string('1', 5000) + "/24", "8.8.8.0/" + new string('2', 5000), "::ffff:8.8.8.0/129",
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void HostileOrMistypedNetworksAreRefusedWholeWithoutGuessing(string typed)
    {
        Assert.Equal(NetworkInputKind.Malformed, AddressInput.ReadNetwork(typed, out var input));
        Assert.Null(input);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("8.8.8.8")]
    [InlineData("example.com")]
    public void TextWithoutASlashIsLeftToTheAddressAndNameReaders(string? typed) =>
        Assert.Equal(NetworkInputKind.NotANetwork, AddressInput.ReadNetwork(typed, out _));

    [Theory]
    [InlineData("0.0.0.0/0", "0.0.0.0", "255.255.255.255", "4294967296", "0.0.0.0", "255.255.255.255")]
    [InlineData("128.0.0.0/1", "128.0.0.0", "255.255.255.255", "2147483648", "128.0.0.0", "127.255.255.255")]
    [InlineData("8.8.8.0/24", "8.8.8.0", "8.8.8.255", "256", "255.255.255.0", "0.0.0.255")]
    [InlineData("172.16.0.0/12", "172.16.0.0", "172.31.255.255", "1048576", "255.240.0.0", "0.15.255.255")]
    [InlineData("192.0.2.0/31", "192.0.2.0", "192.0.2.1", "2", "255.255.255.254", "0.0.0.1")]
    [InlineData("8.8.8.8/32", "8.8.8.8", "8.8.8.8", "1", "255.255.255.255", "0.0.0.0")]
    public void Ipv4FiguresAreExactFromTheWholeSpaceToOneAddress(string prefix, string first, string last, string size, string netmask, string wildcard)
    {
        var network = IPNetwork.Parse(prefix);

        Assert.Equal(
            (first, last, size, netmask, wildcard),
            (network.BaseAddress.ToString(), NetworkFigures.Last(network).ToString(), NetworkFigures.Size(network).ToString(CultureInfo.InvariantCulture),
                NetworkFigures.Netmask(network).ToString(), NetworkFigures.Wildcard(network).ToString()));
        Assert.Null(NetworkFigures.Subnets64(network));
    }

    [Theory]
    [InlineData("::/0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "340282366920938463463374607431768211456", "18446744073709551616", "2^128", "2^64")]
    [InlineData("2001:db8::/32", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", "79228162514264337593543950336", "4294967296", "2^96", "4,294,967,296")]
    [InlineData("2001:db8::/64", "2001:db8::ffff:ffff:ffff:ffff", "18446744073709551616", "1", "2^64", "1")]
    [InlineData("2001:db8::/120", "2001:db8::ff", "256", null, "256", null)]
    [InlineData("2001:db8::1/128", "2001:db8::1", "1", null, "1", null)]
    public void Ipv6FiguresSayTheSizeAsAPowerOfTwoAndInSixtyFours(string prefix, string last, string size, string? subnets64, string shownSize, string? shownSubnets)
    {
        var input = new NetworkInput(IPNetwork.Parse(prefix), HadHostBits: false);
        var report = new NetworkReport(input, AddressKind.Public, false, null);
        var english = CultureInfo.GetCultureInfo("en");

        Assert.Equal(last, NetworkFigures.Last(input.Network).ToString());
        Assert.Equal(size, NetworkFigures.Size(input.Network).ToString(CultureInfo.InvariantCulture));
        Assert.Equal(subnets64, NetworkFigures.Subnets64(input.Network)?.ToString(CultureInfo.InvariantCulture));
        Assert.Equal((shownSize, shownSubnets), (NetworkFormat.Size(report, english), NetworkFormat.Subnets64(report, english)));
    }

    [Theory]
    [InlineData("8.8.8.0/24", AddressKind.Public, false)]
    [InlineData("10.0.0.0/8", AddressKind.Private, false)]
    [InlineData("10.20.0.0/16", AddressKind.Private, false)]
    [InlineData("127.0.0.0/8", AddressKind.Loopback, false)]
    [InlineData("100.64.0.0/10", AddressKind.SharedCgnat, false)]
    [InlineData("169.254.0.0/16", AddressKind.LinkLocal, false)]
    [InlineData("192.0.2.0/24", AddressKind.Reserved, false)]
    [InlineData("224.0.0.0/4", AddressKind.Reserved, false)]
    [InlineData("10.0.0.0/7", AddressKind.Public, true)]
    [InlineData("0.0.0.0/0", AddressKind.Public, true)]
    [InlineData("fe80::/10", AddressKind.LinkLocal, false)]
    [InlineData("fd00::/8", AddressKind.Private, false)]
    [InlineData("2001:db8::/32", AddressKind.Reserved, false)]
    [InlineData("2606:4700::/32", AddressKind.Public, false)]
    [InlineData("2000::/3", AddressKind.Public, true)]
    [InlineData("4000::/3", AddressKind.Reserved, false)]
    [InlineData("::/0", AddressKind.Public, true)]
    [InlineData("64:ff9b::a00:0/120", AddressKind.Private, false)]
    public void ANetworkHasTheScopeOfTheRangeHoldingItOrSaysItMixesThem(string prefix, AddressKind kind, bool includesNonPublic) =>
        Assert.Equal((kind, includesNonPublic), AddressScope.Classify(IPNetwork.Parse(prefix)));

    [Theory]
    [InlineData("8.8.8.0/24", 15169u, "8.8.8.0/24")]
    [InlineData("8.8.8.128/25", 15169u, "8.8.8.0/24")]
    [InlineData("1.0.160.0/20", 23969u, "1.0.128.0/18")]
    [InlineData("2001:4860:4860::/48", 15169u, "2001:4860::/32")]
    [InlineData("2606:4700::/32", 13335u, "2606:4700::/32")]
    public void ANetworkInsideOneAnnouncementIsAnnouncedByItsAs(string prefix, uint asNumber, string announced)
    {
        var covering = Fixture.Value.Announcements(IPNetwork.Parse(prefix), NetworkReport.ListLimit)?.Covering;

        Assert.NotNull(covering);
        Assert.Equal((asNumber, announced), (covering.AsNumber, covering.Prefix));
    }

    [Theory]
    [InlineData("8.8.0.0/16", 2, new[] { "8.8.4.0/24", "8.8.8.0/24" })]
    [InlineData("1.0.0.0/16", 2, new[] { "1.0.0.0/24", "1.0.128.0 – 1.0.196.255" })]
    [InlineData("214.0.0.0/8", 2, new[] { "214.0.0.0/9", "214.128.0.0/15" })]
    [InlineData("::/0", 3, new[] { "2001:4860::/32", "2606:4700::/32", "2a00:1450::/32" })]
    [InlineData("9.9.9.0/24", 0, new string[0])]
    public void ANetworkHoldingSeveralAnnouncementsListsThem(string prefix, int count, string[] listed)
    {
        var announcements = Fixture.Value.Announcements(IPNetwork.Parse(prefix), NetworkReport.ListLimit);

        Assert.NotNull(announcements);
        Assert.Null(announcements.Covering);
        Assert.Equal(count, announcements.Count);
        Assert.Equal(listed, announcements.Listed.Select(r => r.Prefix));
    }

    [Theory]
    [InlineData("45.0.0.0/16", 150)]
    [InlineData("0.0.0.0/0", 158)]
    [InlineData("32.0.0.0/3", 150)]
    public void AHugeNetworkIsCountedNotEnumeratedAndItsListIsBounded(string prefix, int count)
    {
        var announcements = Fixture.Value.Announcements(IPNetwork.Parse(prefix), NetworkReport.ListLimit)!;

        Assert.Equal(count, announcements.Count);
        Assert.Equal(NetworkReport.ListLimit, announcements.Listed.Count);
    }

    [Fact]
    public void ANonPublicNetworkIsNotLookedUpInTheNetworkData()
    {
        AddressInput.ReadNetwork("10.0.0.0/8", out var input);

        var report = NetworkReport.Describe(input!, Fixture.Value);

        Assert.Equal((AddressKind.Private, false, false), (report.Kind, report.IsPublic, report.DataMissing));
        Assert.Null(report.Announcements);
    }
}
