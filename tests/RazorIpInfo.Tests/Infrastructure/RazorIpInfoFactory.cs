using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace RazorIpInfo.Tests.Infrastructure;

/// <summary>
/// The site as a test sees it: Production behaviour, the upstream pointed at a loopback emulator,
/// short timeouts so failure tests stay quick, and every log line captured.
/// </summary>
public sealed class RazorIpInfoFactory(IpApiEmulator upstream) : WebApplicationFactory<Program>
{
    /// <summary>
    /// Configuration a test adds or overrides, applied last. Timeouts are generous so that a busy CI
    /// machine does not turn a slow emulator answer into a retry; timeout tests use <see cref="WithShortTimeouts"/>.
    /// </summary>
    public Dictionary<string, string?> Settings { get; } = new()
    {
        ["IpApi:AttemptTimeout"] = "00:00:05",
        ["IpApi:TotalTimeout"] = "00:00:10",
    };

    /// <summary>An emulator delay of <see cref="SlowAnswer"/> then times out every attempt quickly.</summary>
    public RazorIpInfoFactory WithShortTimeouts()
    {
        Settings["IpApi:AttemptTimeout"] = "00:00:00.500";
        Settings["IpApi:TotalTimeout"] = "00:00:01";
        return this;
    }

    public const int SlowAnswer = 4000;

    public FakeLogCollector Logs => Services.GetFakeLogCollector();

    /// <summary>A client whose requests arrive from <paramref name="visitor"/>, as our trusted proxy reports it.</summary>
    public HttpClient CreateClientFor(string visitor)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Forwarded-For", visitor);
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environments.Production);
        builder.UseSetting("IpApi:BaseUrl", upstream.Url);
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(Settings));
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddFakeLogging());
        builder.ConfigureServices(services => services.Configure<LoggerFilterOptions>(o => o.Rules.Clear()));
    }
}
