using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace RazorIpInfo.Tests.Infrastructure;

/// <summary>
/// A real HTTP listener on a free loopback port serving one downloaded list (the Tor exit list, a bootstrap
/// file) at <see cref="Url"/>, whose answer a test changes between downloads. No test reaches the real host.
/// </summary>
public sealed class ListServer : IDisposable
{
    private const string ListPath = "/list";

    public WireMockServer Server { get; } = WireMockServer.Start();

    public string Url => Server.Url + ListPath;

    /// <summary>Downloads that reached the server.</summary>
    public int Requests => Server.Received().Count(entry => entry.RequestMessage!.Path == ListPath);

    public ListServer Serve(string body, int status = 200)
    {
        Server.ResetMappings();
        Server.Given(Request.Create().WithPath(ListPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "text/plain; charset=utf-8").WithBody(body));
        return this;
    }

    public void Dispose() => Server.Stop();
}
