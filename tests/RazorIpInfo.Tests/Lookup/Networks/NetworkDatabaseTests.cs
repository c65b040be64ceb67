using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RazorIpInfo.Lookup;
using RazorIpInfo.Lookup.Networks;

namespace RazorIpInfo.Tests.Lookup.Networks;

/// <summary>The offline network data on its own: what an address maps to, and how bad files are met.</summary>
public sealed class NetworkDatabaseTests
{
    private static NetworkDatabase Open(string directory, FakeLogger<NetworkDatabase>? logger = null, long maxFileBytes = 256 * 1024 * 1024) =>
        new(Options.Create(new NetworkOptions { Directory = directory, ReloadCheckInterval = TimeSpan.Zero, MaxFileBytes = maxFileBytes }),
            new FakeEnvironment(), TimeProvider.System, logger ?? new FakeLogger<NetworkDatabase>());

    [Theory]
    [InlineData("8.8.8.8", 15169u, "Google LLC", "8.8.8.0/24")]
    [InlineData("1.1.1.1", 13335u, "Cloudflare, Inc.", "1.1.1.0/24")]
    [InlineData("::ffff:1.1.1.1", 13335u, "Cloudflare, Inc.", "1.1.1.0/24")]
    // 1.0.128.0–1.0.196.255 is no single block: the answer is the largest aligned block inside it holding the address.
    [InlineData("1.0.150.1", 23969u, "TOT Public Company Limited", "1.0.128.0/18")]
    [InlineData("1.0.195.7", 23969u, "TOT Public Company Limited", "1.0.192.0/22")]
    [InlineData("1.0.196.9", 23969u, "TOT Public Company Limited", "1.0.196.0/24")]
    // Overlapping rows, as the real data has: the later one takes the shared addresses.
    [InlineData("214.128.5.5", 721u, "DoD Network Information Center", "214.128.0.0/15")]
    [InlineData("214.100.0.1", 749u, "United States Department of Defense (DoD)", "214.0.0.0/9")]
    [InlineData("2001:4860:4860::8888", 15169u, "Google LLC", "2001:4860::/32")]
    [InlineData("2606:4700:4700::1111", 13335u, "Cloudflare, Inc.", "2606:4700::/32")]
    public void AddressInTheDataGetsItsAsOrganisationAndPrefix(string address, uint asNumber, string organisation, string prefix)
    {
        var match = Open(NetworkFiles.Fixture).Find(IPAddress.Parse(address));

        Assert.Equal(new NetworkMatch(asNumber, organisation, prefix), match);
    }

    [Theory]
    [InlineData("9.9.9.9")] // between ranges
    [InlineData("0.0.0.1")] // before the first
    [InlineData("255.255.255.255")] // after the last
    [InlineData("2001:db8::1")]
    public void AddressOutsideEveryRangeHasNoNetwork(string address) =>
        Assert.Null(Open(NetworkFiles.Fixture).Find(IPAddress.Parse(address)));

    [Fact]
    public void AsSummaryCountsPrefixesAndAddressesOfBothFamilies()
    {
        var google = Open(NetworkFiles.Fixture).DescribeAs(15169);

        Assert.NotNull(google);
        Assert.Equal("Google LLC", google.Organisation);
        Assert.Equal((2, 512UL), (google.Ipv4Prefixes, google.Ipv4Addresses));
        Assert.Equal(2, google.Ipv6Prefixes);
        Assert.Equal(UInt128.One << 97, google.Ipv6Addresses);
        Assert.Equal(["8.8.4.0/24", "8.8.8.0/24", "2001:4860::/32", "2a00:1450::/32"], google.Prefixes.Select(p => p.Text));
        Assert.Equal("8.8.4.0", google.Prefixes[0].FirstAddress);
    }

    [Fact]
    public void RangeThatIsNoSingleBlockIsListedByItsEnds()
    {
        var tot = Open(NetworkFiles.Fixture).DescribeAs(23969);

        Assert.Equal(["1.0.128.0 – 1.0.196.255"], tot!.Prefixes.Select(p => p.Text));
    }

    [Theory]
    [InlineData(64496u)] // documentation AS, in no data
    [InlineData(0u)]
    [InlineData(uint.MaxValue)]
    public void AsNotInTheDataIsUnknown(uint asNumber) => Assert.Null(Open(NetworkFiles.Fixture).DescribeAs(asNumber));

    [Fact]
    public void ProviderAsDataIsKeptAndOnlyThePrefixIsAdded()
    {
        var info = new IpInfo { Address = "8.8.8.8", AsNumber = "AS15169", AsName = "GOOGLE", Organisation = "Google Public DNS", Provider = "ip-api.com", FetchedAt = DateTimeOffset.UnixEpoch };

        var enriched = Open(NetworkFiles.Fixture).Enrich(info);

        Assert.Equal(info with { Network = "8.8.8.0/24" }, enriched);
    }

    [Fact]
    public void AnswerWithoutAsDataGetsTheOfflineAsAndOrganisation()
    {
        var info = new IpInfo { Address = "1.1.1.1", City = "Sydney", Provider = "DB-IP", FetchedAt = DateTimeOffset.UnixEpoch };

        var enriched = Open(NetworkFiles.Fixture).Enrich(info);

        Assert.Equal(("AS13335", "Cloudflare, Inc.", "Cloudflare, Inc.", "1.1.1.0/24"), (enriched.AsNumber, enriched.AsName, enriched.Organisation, enriched.Network));
        Assert.Equal("Sydney", enriched.City);
    }

    public static TheoryData<string, string> BadFiles => new()
    {
        { "garbage", "\u0001\u0002 not a csv at all\n" },
        { "half-copied (cut inside a row)", "134744064,134744319,15169,Google LLC\n16843008,1684" },
        { "out of order", "134744064,134744319,15169,Google LLC\n16843008,16843263,13335,Cloudflare\n" },
        { "end before start", "134744319,134744064,15169,Google LLC\n" },
        { "number too large for IPv4", "134744064,99999999999,15169,Google LLC\n" },
        { "negative", "-1,134744064,15169,Google LLC\n" },
        { "empty", "" },
        { "unbalanced quote", "134744064,134744319,15169,\"Google LLC\n" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void BadReplacementIsRefusedAndTheLastGoodDataKeepsAnswering(string what, string content)
    {
        using var folder = new TempNetworkDirectory();
        var logger = new FakeLogger<NetworkDatabase>();
        var networks = Open(folder.Path, logger);
        Assert.Equal(15169u, networks.Find(IPAddress.Parse("8.8.8.8"))?.AsNumber);

        folder.Replace(NetworkOptions.Ipv4File, content);

        Assert.Equal(15169u, networks.Find(IPAddress.Parse("8.8.8.8"))?.AsNumber);
        var refusal = Assert.Single(logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Error);
        Assert.Contains(NetworkOptions.Ipv4File, refusal.Message, StringComparison.Ordinal);
        Assert.True(networks.Find(IPAddress.Parse("8.8.8.8")) is not null, what);
        Assert.Single(logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Error); // once, not per lookup
    }

    [Fact]
    public void FilesThatAppearAreLookedForOncePerCheckInterval()
    {
        using var folder = new TempNetworkDirectory(copyFixture: false);
        var clock = new FakeTimeProvider();
        var networks = new NetworkDatabase(
            Options.Create(new NetworkOptions { Directory = System.IO.Path.Combine(folder.Path, "not-yet"), ReloadCheckInterval = TimeSpan.FromSeconds(30) }),
            new FakeEnvironment(), clock, new FakeLogger<NetworkDatabase>());
        Assert.Null(networks.Find(IPAddress.Parse("8.8.8.8")));

        Directory.CreateDirectory(System.IO.Path.Combine(folder.Path, "not-yet"));
        File.Copy(System.IO.Path.Combine(NetworkFiles.Fixture, NetworkOptions.Ipv4File), System.IO.Path.Combine(folder.Path, "not-yet", NetworkOptions.Ipv4File));
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Null(networks.Find(IPAddress.Parse("8.8.8.8")));
        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(15169u, networks.Find(IPAddress.Parse("8.8.8.8"))?.AsNumber);
    }

    [Fact]
    public void FileOverTheSizeCapIsRefusedUnread()
    {
        using var folder = new TempNetworkDirectory();
        var logger = new FakeLogger<NetworkDatabase>();

        var networks = Open(folder.Path, logger, maxFileBytes: 100);

        Assert.Null(networks.Find(IPAddress.Parse("8.8.8.8")));
        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Error && r.Message.Contains("MaxFileBytes", StringComparison.Ordinal));
    }

    [Fact]
    public void GoodReplacementIsServedWithoutARestart()
    {
        using var folder = new TempNetworkDirectory();
        var networks = Open(folder.Path);
        Assert.Equal("Google LLC", networks.Find(IPAddress.Parse("8.8.8.8"))?.Organisation);

        folder.Replace(NetworkOptions.Ipv4File, "134744064,134744319,15169,Google Renamed LLC\n");

        Assert.Equal("Google Renamed LLC", networks.Find(IPAddress.Parse("8.8.8.8"))?.Organisation);
        Assert.Null(networks.Find(IPAddress.Parse("1.1.1.1")));
    }

    [Fact]
    public void MissingFilesAnswerNothingAndSayWhichAreMissing()
    {
        using var folder = new TempNetworkDirectory(copyFixture: false);
        var networks = Open(folder.Path);

        Assert.Null(networks.Find(IPAddress.Parse("8.8.8.8")));
        Assert.Equal([NetworkOptions.Ipv4File, NetworkOptions.Ipv6File], networks.Unloaded);
    }
}

/// <summary>Enough of a host for services built by hand.</summary>
internal sealed class FakeEnvironment : IHostEnvironment
{
    public string EnvironmentName { get; set; } = Environments.Production;
    public string ApplicationName { get; set; } = "RazorIpInfo";
    public string ContentRootPath { get; set; } = AppContext.BaseDirectory;
    public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = null!;
}

/// <summary>A scratch folder holding a copy of the fixture, for tests that break and replace files.</summary>
internal sealed class TempNetworkDirectory : IDisposable
{
    private int generation;

    public TempNetworkDirectory(bool copyFixture = true)
    {
        if (copyFixture)
        {
            foreach (var file in new[] { NetworkOptions.Ipv4File, NetworkOptions.Ipv6File })
            {
                File.Copy(System.IO.Path.Combine(NetworkFiles.Fixture, file), System.IO.Path.Combine(Path, file));
            }
        }
    }

    public string Path { get; } = Directory.CreateTempSubdirectory("asn-test-").FullName;

    /// <summary>Renames new content over the file, with a modification time of its own, as an operator's copy would.</summary>
    public void Replace(string fileName, string content)
    {
        var target = System.IO.Path.Combine(Path, fileName);
        File.WriteAllText(target + ".new", content);
        File.SetLastWriteTimeUtc(target + ".new", new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(++generation));
        File.Move(target + ".new", target, overwrite: true);
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
