using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RazorIpInfo.Observability;
using RazorIpInfo.Tests.Infrastructure;

namespace RazorIpInfo.Tests.Observability;

/// <summary>
/// A site with one setting wrong must stop at once, with exit code 1 and one line that names the key to fix.
/// Every mistake is checked in-process, through the validator start-up runs and the sentence it prints; one of
/// each kind is also started as an operator starts it, its own process in Production, for the exit code and
/// what standard error shows.
/// </summary>
public sealed class ConfigurationErrorTests(ConfigurationErrorTests.NeverAsked upstream) : IClassFixture<ConfigurationErrorTests.NeverAsked>
{
    private const string Prefix = "Configuration error: ";

    public static TheoryData<string, string> Mistakes => new()
    {
        // A data annotation names only the property; the line must name the key.
        { "--Cache:LocalSizeLimitBytes=5", "Configuration error: Cache:LocalSizeLimitBytes: The field LocalSizeLimitBytes must be between" },
        // A value the binder cannot convert.
        { "--Cache:SuccessTtl=an hour", "Configuration error: Failed to convert configuration value 'an hour' at 'Cache:SuccessTtl'" },
        // A rule across two settings, from our own Validate(…).
        { "--IpApi:AttemptTimeout=00:00:09 --IpApi:TotalTimeout=00:00:05", "Configuration error: IpApi:AttemptTimeout must be shorter than IpApi:TotalTimeout." },
        // A provider list naming what does not exist.
        { "--Lookup:Providers:0=maxmind", "Configuration error: Lookup:Providers names a provider that does not exist (known: ip-api, mmdb)." },
        // Trusted proxies: what the operator typed, and why it is not an address or a network.
        { "--ForwardedHeaders:KnownProxies:0=proxy.internal", "Configuration error: ForwardedHeaders:KnownProxies contains 'proxy.internal', which is not an IP address." },
        { "--ForwardedHeaders:KnownNetworks:0=10.0.0.0/33", "Configuration error: ForwardedHeaders:KnownNetworks contains '10.0.0.0/33', which is not a network" },
        { "--ForwardedHeaders:ForwardLimit=0", "Configuration error: ForwardedHeaders:ForwardLimit: The field ForwardLimit must be between 1 and 20." },
        { "--ForwardedHeaders:ClientIpHeader=CF Connecting IP", "Configuration error: ForwardedHeaders:ClientIpHeader must be a header name such as CF-Connecting-IP." },
        // Dual-stack hosts: both or neither, plain host names, three different ones.
        { "--DualStack:Ipv4Host=ipv4.example.com", "Configuration error: DualStack:Ipv4Host and DualStack:Ipv6Host must be set together" },
        { "--DualStack:SiteHost=example.com", "Configuration error: DualStack:SiteHost means nothing without DualStack:Ipv4Host and DualStack:Ipv6Host." },
        { "--DualStack:Ipv4Host=https://ipv4.example.com/ --DualStack:Ipv6Host=ipv6.example.com --DualStack:SiteHost=example.com", "Configuration error: DualStack:Ipv4Host is 'https://ipv4.example.com/', which is not a plain host name" },
        { "--DualStack:Ipv4Host=ipv4.example.com --DualStack:Ipv6Host=ipv6.example.com:8443 --DualStack:SiteHost=example.com", "Configuration error: DualStack:Ipv6Host is 'ipv6.example.com:8443', which is not a plain host name" },
        { "--DualStack:Ipv4Host=ip.example.com --DualStack:Ipv6Host=IP.example.com --DualStack:SiteHost=example.com", "Configuration error: DualStack:Ipv4Host, DualStack:Ipv6Host and DualStack:SiteHost must differ" },
        { "--DualStack:Ipv4Host=ipv4.example.com --DualStack:Ipv6Host=ipv6.example.com", "Configuration error: DualStack:SiteHost must be set with DualStack:Ipv4Host and DualStack:Ipv6Host" },
        // Shared Redis without the shared secret, outside Development.
        { "--ConnectionStrings:Redis=127.0.0.1:1,abortConnect=false", "Configuration error: Cache:KeySecret is required when ConnectionStrings:Redis is set" },
    };

    /// <summary>One of each way a mistake is explained: a data annotation, the binder, our own rule, a Production-only rule.</summary>
    public static TheoryData<string, string> OneOfEachKind
    {
        get
        {
            var rows = new TheoryData<string, string>();
            foreach (var row in Mistakes)
            {
                if (((string)row[0]).Split('=')[0] is "--Cache:LocalSizeLimitBytes" or "--Cache:SuccessTtl" or "--IpApi:AttemptTimeout" or "--ConnectionStrings:Redis")
                {
                    rows.Add((string)row[0], (string)row[1]);
                }
            }

            return rows;
        }
    }

    [Theory]
    [MemberData(nameof(Mistakes))]
    public async Task EveryMistakeIsOneSentenceNamingTheKey(string setting, string expected)
    {
        await using var site = new RazorIpInfoFactory(upstream.Emulator);
        foreach (var argument in Arguments(setting))
        {
            var (key, value) = (argument[2..argument.IndexOf('=', StringComparison.Ordinal)], argument[(argument.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            site.Settings[key] = value;
        }

        // The very check start-up runs (ConfigurationErrors.RunUnlessMisconfigured), on the site's own services.
        var refused = Record.Exception(() => site.Services.GetRequiredService<IStartupValidator>().Validate());

        Assert.NotNull(refused);
        var sentence = Assert.Single(ConfigurationErrors.Explain(refused));
        Assert.StartsWith(expected[Prefix.Length..], sentence, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(OneOfEachKind))]
    public async Task AMisconfiguredSiteStopsWithOneLineNamingTheKey(string setting, string expected)
    {
        var (exitCode, output, errors) = await RunSiteAsync(setting);

        Assert.Equal(1, exitCode);
        var line = Assert.Single(errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output + errors, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output, string Errors)> RunSiteAsync(string setting)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "RazorIpInfo.dll"), "--urls", "http://127.0.0.1:0" },
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["ASPNETCORE_ENVIRONMENT"] = "Production", ["DOTNET_ENVIRONMENT"] = "Production" },
        };
        foreach (var argument in Arguments(setting))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(bound.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The site kept running with {setting}: a bad setting must stop start-up.");
        }

        return (process.ExitCode, await output, await errors);
    }

    // A row may need several settings to show one mistake (the keys that must differ); a value may hold spaces.
    private static IEnumerable<string> Arguments(string setting) =>
        setting.Split(" --").Select((argument, index) => index == 0 ? argument : "--" + argument);

    /// <summary>An upstream for the sites that never start; one for the class, not one per row.</summary>
    public sealed class NeverAsked : IDisposable
    {
        public IpApiEmulator Emulator { get; } = IpApiEmulator.Start();

        public void Dispose() => Emulator.Dispose();
    }
}
