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
    /// <summary>Configuration a test adds or overrides, applied last.</summary>
    public Dictionary<string, string?> Settings { get; } = new()
    {
        ["IpApi:AttemptTimeout"] = "00:00:01",
        ["IpApi:TotalTimeout"] = "00:00:02",
        // Only ip-api.com answers unless a test adds the offline database ("Lookup:Providers:1" = "mmdb").
        ["Lookup:Providers:0"] = "ip-api",
        ["GeoDb:Directory"] = GeoDbDirectory,
    };

    /// <summary>Where scripts/fetch-geodb.sh puts the offline database: data/geodb in the repository.</summary>
    public static string GeoDbDirectory { get; } = Path.Combine(RepositoryRoot(), "data", "geodb");

    public FakeLogCollector Logs => Services.GetFakeLogCollector();

    /// <summary>A client whose requests arrive from <paramref name="visitor"/>, as our trusted proxy reports it.</summary>
    public HttpClient CreateClientFor(string visitor)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Forwarded-For", visitor);
        return client;
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "RazorIpInfo.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("RazorIpInfo.sln not found above " + AppContext.BaseDirectory);
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
