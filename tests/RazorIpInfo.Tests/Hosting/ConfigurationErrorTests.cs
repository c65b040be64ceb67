using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using RazorIpInfo.Hosting;
using RazorIpInfo.Tests.Infrastructure;

namespace RazorIpInfo.Tests.Hosting;

/// <summary>
/// A site with one setting wrong must stop at once, with exit code 1 and one line on standard error that
/// names the key to fix. Every setting in the README's tables has a row. Each row is checked in this process,
/// through the site's own registration (<see cref="SiteServices.AddSite"/>), the checks start-up runs on the built
/// app and the sentences <see cref="ConfigurationErrors"/> prints for them; a few rows, one of each kind of
/// mistake, are also started as an operator starts the site: the built app, its own process, in Production, the
/// setting in the environment. A process per row cost about 85 .NET start-ups; a test host per row (started,
/// though never sent a request) about three times the CPU of building the app alone.
/// </summary>
public sealed partial class ConfigurationErrorTests(ConfigurationErrorTests.Runs runs) : IClassFixture<ConfigurationErrorTests.Runs>
{
    /// <summary>Under every row, in-process or started: nothing a site may fetch at start-up can reach the network.</summary>
    private static readonly Dictionary<string, string> Offline = new()
    {
        ["IpApi:BaseUrl"] = "http://127.0.0.1:9",
        ["Tor:ExitListUrl"] = "",
        ["Rdap:BootstrapBaseUrl"] = "",
    };

    /// <summary>Key → the settings that get it wrong (several where a rule spans keys), separated by " | ".</summary>
    private static readonly (string Key, string Settings)[] Rows =
    [
        ("IpApi:BaseUrl", "IpApi:BaseUrl=ip-api.com"),
        ("IpApi:Key", "IpApi:Key=abc def"),
        ("IpApi:AttemptTimeout", "IpApi:AttemptTimeout=00:00:00.010"),
        ("IpApi:AttemptTimeout", "IpApi:AttemptTimeout=00:00:09 | IpApi:TotalTimeout=00:00:05"),
        ("IpApi:TotalTimeout", "IpApi:TotalTimeout=00:10:00"),
        ("IpApi:MaxRetries", "IpApi:MaxRetries=9"),
        ("IpApi:MaxResponseBytes", "IpApi:MaxResponseBytes=10"),
        ("IpApi:RequestsPerMinute", "IpApi:RequestsPerMinute=-1"),
        ("IpApi:CircuitBreakDuration", "IpApi:CircuitBreakDuration=00:00:00"),
        ("IpApi:CircuitMinimumThroughput", "IpApi:CircuitMinimumThroughput=1"),
        ("RateLimits:LookupsPerMinute", "RateLimits:LookupsPerMinute=0"),
        ("RateLimits:OwnCardPerMinute", "RateLimits:OwnCardPerMinute=0"),
        ("ForwardedHeaders:KnownProxies", "ForwardedHeaders:KnownProxies:0=proxy.internal"),
        ("ForwardedHeaders:KnownNetworks", "ForwardedHeaders:KnownNetworks:0=10.0.0.0/33"),
        ("ForwardedHeaders:ForwardLimit", "ForwardedHeaders:ForwardLimit=0"),
        ("ForwardedHeaders:ClientIpHeader", "ForwardedHeaders:ClientIpHeader=CF Connecting IP"),
        ("DualStack:Ipv4Host", "DualStack:Ipv4Host=https://ipv4.example.com/ | DualStack:Ipv6Host=ipv6.example.com | DualStack:SiteHost=example.com"),
        ("DualStack:Ipv4Host", "DualStack:Ipv4Host=ipv4.example.com"),
        ("DualStack:Ipv6Host", "DualStack:Ipv4Host=ipv4.example.com | DualStack:Ipv6Host=ipv6.example.com:8443 | DualStack:SiteHost=example.com"),
        ("DualStack:SiteHost", "DualStack:SiteHost=example.com"),
        ("DualStack:SiteHost", "DualStack:Ipv4Host=ipv4.example.com | DualStack:Ipv6Host=ipv6.example.com"),
        ("ConnectionStrings:Redis", "ConnectionStrings:Redis=localhost:notaport"),
        ("Cache:KeySecret", "Cache:KeySecret=short"),
        // Shared Redis without the shared secret, outside Development.
        ("Cache:KeySecret", "ConnectionStrings:Redis=127.0.0.1:1,abortConnect=false"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT=collector:4317"),
        ("Cache:SuccessTtl", "Cache:SuccessTtl=00:00:00"),
        // A value the binder cannot convert.
        ("Cache:SuccessTtl", "Cache:SuccessTtl=an hour"),
        ("Cache:NegativeTtl", "Cache:NegativeTtl=00:00:00"),
        ("Cache:FailureBackoff", "Cache:FailureBackoff=01:00:00"),
        ("Cache:StaleWindow", "Cache:StaleWindow=365.00:00:00"),
        ("Cache:RefreshMinAge", "Cache:RefreshMinAge=2.00:00:00"),
        ("Cache:LocalExpirationWithRedis", "Cache:LocalExpirationWithRedis=00:00:00"),
        ("Cache:LocalSizeLimitBytes", "Cache:LocalSizeLimitBytes=5"),
        ("Cache:MaximumEntryBytes", "Cache:MaximumEntryBytes=10"),
        ("Lookup:Providers", "Lookup:Providers:0=maxmind"),
        ("Networks:Directory", "Networks:Directory= "),
        ("Networks:ReloadCheckInterval", "Networks:ReloadCheckInterval=2.00:00:00"),
        ("Networks:MaxFileBytes", "Networks:MaxFileBytes=0"),
        ("HostNames:Timeout", "HostNames:Timeout=00:01:00"),
        ("HostNames:MaxAddresses", "HostNames:MaxAddresses=0"),
        ("HostNames:CacheDuration", "HostNames:CacheDuration=02:00:00"),
        ("HostNames:NegativeCacheDuration", "HostNames:NegativeCacheDuration=-00:00:01"),
        ("HostNames:MaxConcurrent", "HostNames:MaxConcurrent=0"),
        ("GeoDb:Directory", "GeoDb:Directory= "),
        ("GeoDb:MaxFileBytes", "GeoDb:MaxFileBytes=1"),
        ("Bulk:MaxAddresses", "Bulk:MaxAddresses=0"),
        ("Bulk:MaxInputBytes", "Bulk:MaxInputBytes=1"),
        ("Bulk:BatchSize", "Bulk:BatchSize=101"),
        ("Bulk:BatchRequestsPerMinute", "Bulk:BatchRequestsPerMinute=-1"),
        ("Bulk:BatchAttemptTimeout", "Bulk:BatchAttemptTimeout=00:00:00"),
        ("Bulk:BatchTotalTimeout", "Bulk:BatchTotalTimeout=00:10:00"),
        ("Bulk:BatchMaxRetries", "Bulk:BatchMaxRetries=9"),
        ("Bulk:MaxBatchResponseBytes", "Bulk:MaxBatchResponseBytes=1"),
        ("Bulk:Deadline", "Bulk:Deadline=00:00:00"),
        ("Bulk:BatchCircuitMinimumThroughput", "Bulk:BatchCircuitMinimumThroughput=1"),
        ("RateLimits:ConcurrentRequestsPerClient", "RateLimits:ConcurrentRequestsPerClient=0"),
        ("RequestLimits:BulkRequestTimeout", "RequestLimits:BulkRequestTimeout=soon"),
        ("Kestrel:Limits:MaxConcurrentConnections", "Kestrel:Limits:MaxConcurrentConnections=-5"),
        ("Kestrel:Limits:MaxConcurrentUpgradedConnections", "Kestrel:Limits:MaxConcurrentUpgradedConnections=lots"),
        ("Tor:ExitListUrl", "Tor:ExitListUrl=check.torproject.org/torbulkexitlist"),
        ("Tor:RefreshInterval", "Tor:RefreshInterval=00:00:01"),
        ("Tor:StaleAfter", "Tor:StaleAfter=00:30:00"),
        ("Tor:MaxListBytes", "Tor:MaxListBytes=0"),
        ("DownloadedData:Directory", "DownloadedData:Directory= "),
        ("Rdap:BootstrapBaseUrl", "Rdap:BootstrapBaseUrl=data.iana.org/rdap"),
        ("Rdap:BootstrapRefreshInterval", "Rdap:BootstrapRefreshInterval=00:00:01"),
        ("Rdap:CacheDuration", "Rdap:CacheDuration=365.00:00:00"),
        ("Rdap:FailureCacheDuration", "Rdap:FailureCacheDuration=00:00:00"),
        ("Rdap:MaxAnswerBytes", "Rdap:MaxAnswerBytes=10"),
        ("Rdap:Timeout", "Rdap:Timeout=00:05:00"),
        ("Rdap:RequestsPerMinute", "Rdap:RequestsPerMinute=0"),
        ("Rdap:LocalHosts", "Rdap:LocalHosts:0=http://127.0.0.1:8080"),
        ("WarmUp:Enabled", "WarmUp:Enabled=maybe"),
        ("WarmUp:Deadline", "WarmUp:Deadline=00:00:00"),
        ("WarmUp:QuietPeriod", "WarmUp:QuietPeriod=00:02:00"),
    ];

    /// <summary>
    /// The rows started as processes: a rule on one key, a rule across keys, a value the binder cannot convert,
    /// a setting read before the host is built, and Kestrel's own limits.
    /// </summary>
    private static readonly string[] ProcessRows =
    [
        "Cache:SuccessTtl=00:00:00",
        "IpApi:AttemptTimeout=00:00:09 | IpApi:TotalTimeout=00:00:05",
        "Cache:SuccessTtl=an hour",
        "OTEL_EXPORTER_OTLP_ENDPOINT=collector:4317",
        "Kestrel:Limits:MaxConcurrentUpgradedConnections=lots",
    ];

    public static TheoryData<string, string> Mistakes
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var (key, settings) in Rows)
            {
                data.Add(key, settings);
            }

            return data;
        }
    }

    public static TheoryData<string> StartedMistakes => [.. ProcessRows];

    [Theory]
    [MemberData(nameof(Mistakes))]
    public async Task AMisconfiguredSiteRefusesToStartWithOneSentenceNamingTheKey(string key, string settings)
    {
        // As the started rows' process builds itself: Production, the app's own folder and appsettings.json.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = Environments.Production,
            ApplicationName = typeof(SiteServices).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddInMemoryCollection(Offline!);
        builder.Configuration.AddInMemoryCollection(Parse(settings).Select(s => KeyValuePair.Create(s.Name, (string?)s.Value)));
        builder.AddSite();
        await using var app = builder.Build();

        // The checks RunUnlessMisconfigured runs on the built app before it starts it.
        var refusal = Assert.ThrowsAny<Exception>(() => app.Services.GetRequiredService<IStartupValidator>().Validate());

        var sentence = Assert.Single(ConfigurationErrors.Explain(refusal));
        Assert.Contains(key, sentence, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(StartedMistakes))]
    public async Task AMisconfiguredSiteStopsWithExitCodeOneAndOneLineNamingTheKey(string settings)
    {
        var key = Rows.First(row => row.Settings == settings).Key;

        var (exitCode, output, errors) = await runs.Of(settings);

        Assert.Equal(1, exitCode);
        var line = Assert.Single(errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("Configuration error: ", line, StringComparison.Ordinal);
        Assert.Contains(key, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output + errors, StringComparison.Ordinal);
    }

    [Fact]
    public void EverySettingTheReadmeDocumentsHasARow()
    {
        var readme = File.ReadAllText(Path.Combine(RazorIpInfoFactory.RepositoryRoot, "README.md"));
        var documented = SettingRow().Matches(readme).Select(m => m.Groups["key"].Value).ToHashSet();

        Assert.True(documented.Count > 40, $"Only {documented.Count} settings found in the README's tables.");
        Assert.Empty(documented.Except(Rows.Select(r => r.Key)));
    }

    // "| `Cache:SuccessTtl` | `01:00:00` | …", and the one environment variable, in the README's settings tables.
    [GeneratedRegex(@"^\| `(?<key>[A-Za-z]+:[A-Za-z:]+|OTEL_[A-Z_]+)` \|", RegexOptions.Multiline)]
    private static partial Regex SettingRow();

    private static IEnumerable<(string Name, string Value)> Parse(string settings) =>
        settings.Split(" | ").Select(setting =>
        {
            var equals = setting.IndexOf('=', StringComparison.Ordinal);
            return (setting[..equals], setting[(equals + 1)..]);
        });

    /// <summary>The process rows, started together.</summary>
    public sealed class Runs
    {
        private readonly ConcurrentDictionary<string, Task<(int ExitCode, string Output, string Errors)>> started = new();

        public Runs()
        {
            foreach (var settings in ProcessRows)
            {
                Of(settings);
            }
        }

        public Task<(int ExitCode, string Output, string Errors)> Of(string settings) =>
            started.GetOrAdd(settings, s => Task.Run(() => RunSiteAsync(s)));

        private static async Task<(int ExitCode, string Output, string Errors)> RunSiteAsync(string settings)
        {
            var start = new ProcessStartInfo("dotnet")
            {
                ArgumentList = { Path.Combine(AppContext.BaseDirectory, "RazorIpInfo.dll"), "--urls", "http://127.0.0.1:0" },
                WorkingDirectory = AppContext.BaseDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                Environment =
                {
                    ["ASPNETCORE_ENVIRONMENT"] = "Production",
                    ["DOTNET_ENVIRONMENT"] = "Production",
                },
            };
            foreach (var (name, value) in Offline.Select(o => (o.Key, o.Value)).Concat(Parse(settings)))
            {
                start.Environment[name.Replace(":", "__", StringComparison.Ordinal)] = value;
            }

            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            try
            {
                await process.WaitForExitAsync(bound.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"The site kept running with {settings}: a bad setting must stop start-up.");
            }

            return (process.ExitCode, await output, await errors);
        }
    }
}
