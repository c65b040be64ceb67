namespace RazorIpInfo.Tests.Infrastructure;

/// <summary>
/// One site and one upstream emulator for a whole test class whose tests need no configuration of their own
/// (<c>IClassFixture&lt;SharedSite&gt;</c>): a host start-up per class instead of per test. The site listens
/// on real Kestrel on a free port, so requests the in-memory server cannot carry still arrive. A class whose
/// tests all share one other configuration uses a subclass that says what it is (<see cref="Configure"/>).
/// </summary>
/// <remarks>
/// The emulator is the class's own and xunit runs a class's tests one at a time, so what reaches it while a
/// test runs is what that test caused: a test counts from <c>Upstream.Requests.Count</c> when it began.
/// </remarks>
public class SharedSite : IAsyncLifetime
{
    public IpApiEmulator Upstream { get; } = IpApiEmulator.Start();

    public RazorIpInfoFactory App { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    /// <summary>
    /// False: the in-memory test server, for tests that give a request a peer address of their choosing
    /// (<c>App.Server.SendAsync</c>), which a connection over loopback cannot have.
    /// </summary>
    protected virtual bool OnKestrel => true;

    /// <summary>The configuration every test of the class shares, on top of the factory's default.</summary>
    protected virtual void Configure(RazorIpInfoFactory app)
    {
    }

    public virtual Task InitializeAsync()
    {
        App = new RazorIpInfoFactory(Upstream);
        // A class's tests make some lookups fail on purpose; enough of them in the breaker's window would open it
        // for the tests after them. The breaker has its own tests, on sites of their own.
        App.Settings["IpApi:CircuitMinimumThroughput"] = "10000";
        Configure(App);
        if (OnKestrel)
        {
            App.StartOnFreePort();
        }

        Client = App.CreateClient();
        return Task.CompletedTask;
    }

    public virtual async Task DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
        Upstream.Dispose();
    }
}

/// <summary>The shared site on the in-memory test server, whose requests a test gives any peer address.</summary>
public sealed class SharedInMemorySite : SharedSite
{
    protected override bool OnKestrel => false;
}
