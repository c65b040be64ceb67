using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using RazorIpInfo.Tests.Infrastructure;

namespace RazorIpInfo.Tests.DualStack;

/// <summary>
/// The site on Kestrel listening on 127.0.0.1 and [::1] (each on a free port), configured with the
/// three host names: <see cref="SiteHost"/> (both families), <see cref="Ipv4Host"/> and <see cref="Ipv6Host"/>.
/// Clients reach a name over the family a test chooses, as DNS with an A-only and an AAAA-only record would
/// make a browser do.
/// </summary>
public sealed class DualStackSite : IAsyncLifetime
{
    public const string SiteHost = "site.test";
    public const string Ipv4Host = "v4.test";
    public const string Ipv6Host = "v6.test";

    public IpApiEmulator Upstream { get; } = IpApiEmulator.Start();

    public RazorIpInfoFactory App { get; private set; } = null!;

    public IPEndPoint Ipv4Endpoint { get; private set; } = null!;

    public IPEndPoint Ipv6Endpoint { get; private set; } = null!;

    public Task InitializeAsync()
    {
        App = new RazorIpInfoFactory(Upstream);
        App.Settings["DualStack:Ipv4Host"] = Ipv4Host;
        App.Settings["DualStack:Ipv6Host"] = Ipv6Host;
        App.Settings["DualStack:SiteHost"] = SiteHost;
        // Port 0 on each loopback: two runs may share the machine, and each family gets its own free port.
        App.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.Listen(IPAddress.IPv6Loopback, 0);
        });
        App.StartServer();
        var addresses = App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(address => new Uri(address))
            .ToList();
        Ipv4Endpoint = Endpoint(addresses, AddressFamily.InterNetwork);
        Ipv6Endpoint = Endpoint(addresses, AddressFamily.InterNetworkV6);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        Upstream.Dispose();
    }

    public IPEndPoint EndpointFor(AddressFamily family) => family == AddressFamily.InterNetworkV6 ? Ipv6Endpoint : Ipv4Endpoint;

    /// <summary>
    /// A client whose every connection, whatever host name the URL names (and sends as Host), goes over
    /// <paramref name="family"/>: what a browser does with a name that has only that family's record.
    /// </summary>
    public HttpClient ClientOver(AddressFamily family)
    {
        var endpoint = EndpointFor(family);
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(endpoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler);
    }

    /// <summary>Chromium's resolver as DNS would answer: the site on both families, each family host on its own.</summary>
    public string HostResolverRules(bool ipv6Reachable = true, int closedIpv6Port = 0) => string.Join(", ",
        $"MAP {SiteHost}:80 127.0.0.1:{Ipv4Endpoint.Port}",
        $"MAP {Ipv4Host}:80 127.0.0.1:{Ipv4Endpoint.Port}",
        $"MAP {Ipv6Host}:80 [::1]:{(ipv6Reachable ? Ipv6Endpoint.Port : closedIpv6Port)}");

    private static IPEndPoint Endpoint(List<Uri> addresses, AddressFamily family)
    {
        var uri = addresses.Single(address => IPAddress.Parse(address.Host.Trim('[', ']')).AddressFamily == family);
        return new IPEndPoint(IPAddress.Parse(uri.Host.Trim('[', ']')), uri.Port);
    }
}
