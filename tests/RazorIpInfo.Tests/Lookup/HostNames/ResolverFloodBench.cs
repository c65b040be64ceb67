using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using RazorIpInfo.Lookup.HostNames;
using RazorIpInfo.Tests.Infrastructure;

namespace RazorIpInfo.Tests.Lookup.HostNames;

/// <summary>Runs only when <c>RESOLVER_FLOOD_OUT</c> names a file for the figures (bench/resolver-flood.sh sets it).</summary>
public sealed class ResolverFloodFactAttribute : FactAttribute
{
    public ResolverFloodFactAttribute() =>
        Skip = Environment.GetEnvironmentVariable("RESOLVER_FLOOD_OUT") is null ? "A measurement: run bench/resolver-flood.sh" : null;
}

/// <summary>
/// The slow-resolver flood of issue 33, measured: the site on real Kestrel (loopback, free port), a resolver that
/// blocks its thread and never answers (getaddrinfo against a silent DNS server), many distinct names at once,
/// and <c>/healthz</c> probed meanwhile. Writes /healthz latencies, the process's thread count and the name
/// lookups' statuses and times; stops by itself.
/// </summary>
public sealed class ResolverFloodBench
{
    [ResolverFloodFact]
    public async Task HealthStaysFastWhileNameLookupsHang()
    {
        var names = int.Parse(Environment.GetEnvironmentVariable("RESOLVER_FLOOD_NAMES") ?? "40", CultureInfo.InvariantCulture);
        using var upstream = IpApiEmulator.Start();
        using var gate = new ManualResetEventSlim();
        await using var app = new RazorIpInfoFactory(upstream);
        app.Settings["HostNames:Timeout"] = "00:00:03";
        app.ConfigureTestServices = services => services.AddSingleton<IHostNameResolver>(new NeverAnswers(gate));
        var site = app.StartOnFreePort();
        using var client = new HttpClient { BaseAddress = site, Timeout = TimeSpan.FromSeconds(120) };
        await client.GetStringAsync("/healthz");
        var threadsBefore = Process.GetCurrentProcess().Threads.Count;

        var clock = Stopwatch.StartNew();
        var flood = Enumerable.Range(0, names).Select(async i =>
        {
            var response = await client.GetAsync($"/country?ip=silent-{i}.example");
            return ((int)response.StatusCode, clock.Elapsed.TotalSeconds);
        }).ToList();

        var latencies = new List<double>();
        var peakThreads = 0;
        for (var probe = 0; probe < 20; probe++)
        {
            var one = Stopwatch.StartNew();
            using var health = await client.GetAsync("/healthz");
            latencies.Add(one.Elapsed.TotalMilliseconds);
            peakThreads = Math.Max(peakThreads, Process.GetCurrentProcess().Threads.Count);
            await Task.Delay(250);
        }

        var answers = await Task.WhenAll(flood);
        gate.Set();
        latencies.Sort();
        var statuses = string.Join(", ", answers.GroupBy(a => a.Item1).OrderBy(g => g.Key).Select(g => $"{g.Count()}×{g.Key}"));
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{names} names: /healthz p50 {latencies[latencies.Count / 2]:F0} ms, p95 {latencies[(int)(latencies.Count * 0.95) - 1]:F0} ms, max {latencies[^1]:F0} ms; threads {threadsBefore} before, {peakThreads} peak; lookups {statuses}, slowest {answers.Max(a => a.Item2):F1} s");
        await File.AppendAllTextAsync(Environment.GetEnvironmentVariable("RESOLVER_FLOOD_OUT")!, line + Environment.NewLine);

        Assert.True(latencies[^1] < 5000, line);
    }

    /// <summary>Blocks its thread until the measurement ends, as getaddrinfo does against a DNS server that never answers.</summary>
    private sealed class NeverAnswers(ManualResetEventSlim gate) : IHostNameResolver
    {
        public IPAddress[] Resolve(string name)
        {
            gate.Wait();
            throw new SocketException((int)SocketError.TryAgain);
        }
    }
}
