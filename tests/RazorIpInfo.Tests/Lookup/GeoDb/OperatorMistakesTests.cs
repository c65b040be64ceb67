using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using RazorIpInfo.Lookup.GeoDb;
using RazorIpInfo.Tests.Infrastructure;

namespace RazorIpInfo.Tests.Lookup.GeoDb;

/// <summary>One offline-only site over a scratch copy of the real database, which each row then mistreats.</summary>
public sealed class OperatorMistakesSite : IAsyncLifetime
{
    private readonly IpApiEmulator upstream = IpApiEmulator.Start();

    internal TempGeoDbDirectory Scratch { get; } = new();

    public RazorIpInfoFactory App { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public Task InitializeAsync()
    {
        if (GeoDbFiles.SkipReason is null)
        {
            GeoDbFiles.Require();
            Scratch.Install(GeoDbFiles.Ipv4, GeoDbOptions.Ipv4File, DateTime.UtcNow.AddDays(-1));
        }

        App = new RazorIpInfoFactory(upstream);
        App.Settings["Lookup:Providers:0"] = "mmdb";
        App.Settings["GeoDb:Directory"] = Scratch.Path;
        App.Settings["GeoDb:MaxFileBytes"] = (200L * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Client = App.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
        upstream.Dispose();
        Scratch.Dispose();
    }
}

/// <summary>
/// What operators do to the live database file: copy over it in place, truncate it, drop something else
/// on it. The process stays up, the last good copy keeps answering, and one clear line is logged.
/// </summary>
[Collection(GeoDbTestGroup.Name)]
public sealed class OperatorMistakesTests(OperatorMistakesSite site) : IClassFixture<OperatorMistakesSite>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    /// <param name="Refused">Whether the new file is refused (an error line) rather than loaded.</param>
    public sealed record Mistake(Action<string> Apply, bool Refused);

    private static readonly Dictionary<string, Mistake> Mistakes = new()
    {
        ["cp of a good database in place"] = new(path => WriteInPlace(path, File.ReadAllBytes(GeoDbFiles.Ipv4)), Refused: false),
        ["cp in place, interrupted halfway"] = new(path => WriteInPlace(path, File.ReadAllBytes(GeoDbFiles.Ipv4)[..(int)(new FileInfo(GeoDbFiles.Ipv4).Length / 2)]), Refused: true),
        ["truncated to half"] = new(path => Truncate(path, new FileInfo(path).Length / 2), Refused: true),
        ["truncated to nothing"] = new(path => Truncate(path, 0), Refused: true),
        ["garbage written over it"] = new(path => WriteInPlace(path, RandomBytes(1024 * 1024)), Refused: true),
        ["a text file renamed over it"] = new(path => Rename(path, "not a database\n"u8.ToArray()), Refused: true),
        ["a huge file renamed over it"] = new(path => Sparse(path, 300L * 1024 * 1024), Refused: true),
        ["a big zero-filled file under the size bound"] = new(path => Sparse(path, 150L * 1024 * 1024), Refused: true),
        ["the database's tail cut off in place"] = new(path => Truncate(path, new FileInfo(path).Length - 64), Refused: true),
    };

    public static TheoryData<string> Rows => [.. Mistakes.Keys];

    [GeoDbTheory]
    [MemberData(nameof(Rows))]
    public async Task TheSiteSurvivesAndKeepsServingTheLastGoodDatabase(string mistake)
    {
        var path = site.Scratch.Ipv4;
        Assert.Equal("US", await CountryOf("8.8.8.8"));
        var before = DatabaseLines().Count;

        Mistakes[mistake].Apply(path);
        var clock = Stopwatch.StartNew();
        var during = new List<string?>();
        for (var i = 0; i < 5; i++)
        {
            during.Add(await CountryOf("8.8.8.8"));
        }

        var elapsed = clock.Elapsed;
        var lines = DatabaseLines().Skip(before).ToList();
        using var health = await site.Client.GetAsync("/healthz");

        Assert.All(during, country => Assert.Equal("US", country));
        Assert.True(elapsed < Bound, $"five lookups took {elapsed.TotalSeconds:0.0} s");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var line = Assert.Single(lines);
        if (Mistakes[mistake].Refused)
        {
            Assert.Equal(LogLevel.Error, line.Level);
            Assert.Contains("keeps answering", line.Message, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("loaded", line.Message, StringComparison.Ordinal);
        }

        // Put right the way the docs say: a complete copy renamed over the file. It is used at once.
        site.Scratch.Install(GeoDbFiles.Ipv4, GeoDbOptions.Ipv4File, DateTime.UtcNow.AddMinutes(Mistakes.Keys.ToList().IndexOf(mistake) + 1));
        Assert.Equal("US", await CountryOf("8.8.8.8"));
        Assert.Contains("loaded", DatabaseLines().Last().Message, StringComparison.Ordinal);
    }

    private async Task<string?> CountryOf(string address)
    {
        using var response = await site.Client.GetAsync("/api/ip-info/" + address);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("countryCode").GetString();
    }

    private List<Microsoft.Extensions.Logging.Testing.FakeLogRecord> DatabaseLines() =>
        [.. site.App.Logs.GetSnapshot().Where(r => r.Category == typeof(MmdbProvider).FullName && r.Message.Contains(GeoDbOptions.Ipv4File, StringComparison.Ordinal))];

    /// <summary>What <c>cp new live</c> does: the same file (inode), truncated and rewritten.</summary>
    private static void WriteInPlace(string path, byte[] content)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        file.SetLength(0);
        file.Write(content);
    }

    private static void Truncate(string path, long length)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        file.SetLength(length);
    }

    private static void Rename(string path, byte[] content)
    {
        File.WriteAllBytes(path + ".tmp", content);
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>A file of <paramref name="length"/> bytes that costs no disk (sparse), renamed over the database.</summary>
    private static void Sparse(string path, long length)
    {
        using (var file = new FileStream(path + ".tmp", FileMode.Create, FileAccess.Write))
        {
            file.SetLength(length);
        }

        File.Move(path + ".tmp", path, overwrite: true);
    }

    private static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }
}
