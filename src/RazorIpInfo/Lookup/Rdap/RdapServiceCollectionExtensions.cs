using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using RazorIpInfo.Hosting;
using RazorIpInfo.Lookup.DataFiles;
using RazorIpInfo.Lookup.Upstream;

namespace RazorIpInfo.Lookup.Rdap;

public static class RdapServiceCollectionExtensions
{
    /// <summary>The bootstrap files' names at IANA, on disk, and as keyed <see cref="IDownloadedData{T}"/>.</summary>
    public static readonly string[] BootstrapFiles = ["ipv4", "ipv6", "asn"];

    /// <summary>IANA's files are tens of kilobytes; a megabyte leaves room for growth and none for abuse.</summary>
    private const long MaxBootstrapBytes = 1024 * 1024;

    public static IHostApplicationBuilder AddRdap(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSectionOptions<RdapOptions>(RdapOptions.Section);

        foreach (var file in BootstrapFiles)
        {
            builder.Services.AddDownloadedData(BootstrapName(file), services =>
            {
                var o = services.GetRequiredService<IOptions<RdapOptions>>().Value;
                var configured = o.Enabled ? o.BootstrapBaseUrl! : RdapOptions.DefaultBootstrapBaseUrl;
                var baseUrl = configured.EndsWith('/') ? configured : configured + "/";
                return new DownloadedDataSettings(new Uri(new Uri(baseUrl), file + ".json"), o.BootstrapRefreshInterval,
                    o.BootstrapRefreshInterval * 7, MaxBootstrapBytes, $"rdap-{file}.json") { Enabled = o.Enabled };
            }, RdapBootstrapFile.Parse);
        }

        builder.Services.AddSingleton(services =>
        {
            var files = BootstrapFiles.Select(file => services.GetRequiredKeyedService<IDownloadedData<RdapBootstrapFile>>(BootstrapName(file))).ToArray();
            return new RdapBootstrap(() => files[0].Current, () => files[1].Current, () => files[2].Current);
        });

        // One client for every registry, with a breaker and a budget per registry host.
        builder.Services.AddHardenedUpstream(RdapClient.ClientName, services =>
            {
                var o = services.GetRequiredService<IOptions<RdapOptions>>().Value;
                // The base address is never used: every request names its registry.
                return new UpstreamPolicy(new Uri("https://rdap.invalid/"), o.Timeout, o.Timeout + o.Timeout, 0, o.MaxAnswerBytes,
                    5, TimeSpan.FromSeconds(30), o.RequestsPerMinute);
            }, perHost: true)
            .ConfigurePrimaryHttpMessageHandler((handler, services) =>
            {
                var local = services.GetRequiredService<IOptions<RdapOptions>>().Value.LocalHosts;
                ((SocketsHttpHandler)handler).ConnectCallback = (context, token) => ConnectToPublicAsync(context, local, token);
            });

        builder.Services.AddSingleton<RdapClient>();
        builder.Services.AddSingleton<RdapService>();
        return builder;
    }

    public static string BootstrapName(string file) => "rdap-" + file;

    /// <summary>
    /// The last word on where a registry call goes: a registry host whose name resolves to a loopback or private
    /// address (a hostile DNS answer, a redirect to such a name) is not connected to, unless <c>Rdap:LocalHosts</c>
    /// lists it.
    /// </summary>
    private static async ValueTask<Stream> ConnectToPublicAsync(SocketsHttpConnectionContext context, string[] local, CancellationToken token)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, token);
        if (!local.Contains(host, StringComparer.OrdinalIgnoreCase))
        {
            addresses = [.. addresses.Where(a => AddressScope.Classify(AddressInput.Normalise(a)) == AddressKind.Public)];
        }

        if (addresses.Length == 0)
        {
            throw new HttpRequestException(HttpRequestError.ConnectionError, "The registry's host has no public address.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, token);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
