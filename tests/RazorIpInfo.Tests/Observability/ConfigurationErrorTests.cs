using System.Diagnostics;

namespace RazorIpInfo.Tests.Observability;

/// <summary>
/// The site started as an operator starts it (its own process, Production), with one setting wrong:
/// it must stop at once, with exit code 1 and one line that names the key to fix.
/// </summary>
public sealed class ConfigurationErrorTests
{
    public static TheoryData<string, string> Mistakes => new()
    {
        // A data annotation names only the property; the line must name the key.
        { "--Cache:LocalSizeLimitBytes=5", "Configuration error: Cache:LocalSizeLimitBytes: The field LocalSizeLimitBytes must be between" },
        // A value the binder cannot convert.
        { "--Cache:SuccessTtl=an hour", "Configuration error: Failed to convert configuration value 'an hour' at 'Cache:SuccessTtl'" },
        // A rule across two settings, from our own Validate(…).
        { "--IpApi:AttemptTimeout=00:00:09", "Configuration error: IpApi:AttemptTimeout must be shorter than IpApi:TotalTimeout." },
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

    [Theory]
    [MemberData(nameof(Mistakes))]
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
        // A row may need several settings to show one mistake (the keys that must differ); a value may hold spaces.
        foreach (var (argument, index) in setting.Split(" --").Select((argument, index) => (argument, index)))
        {
            start.ArgumentList.Add(index == 0 ? argument : "--" + argument);
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
}
