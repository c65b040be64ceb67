namespace RazorIpInfo.Tests.Infrastructure;

/// <summary>
/// One site and one upstream emulator for a whole test class whose tests need no configuration of their own
/// (<c>IClassFixture&lt;SharedSite&gt;</c>): a host start-up per class instead of per test. The site listens
/// on real Kestrel on a free port, so requests the in-memory server cannot carry still arrive.
/// </summary>
public sealed class SharedSite : IAsyncLifetime
{
    public IpApiEmulator Upstream { get; } = IpApiEmulator.Start();

    public RazorIpInfoFactory App { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public Task InitializeAsync()
    {
        App = new RazorIpInfoFactory(Upstream);
        // A class's tests make some lookups fail on purpose; enough of them in the breaker's window would open it
        // for the tests after them. The breaker has its own tests, on sites of their own.
        App.Settings["IpApi:CircuitMinimumThroughput"] = "10000";
        App.StartOnFreePort();
        Client = App.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
        Upstream.Dispose();
    }
}
