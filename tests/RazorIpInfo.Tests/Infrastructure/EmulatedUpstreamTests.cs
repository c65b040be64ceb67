namespace RazorIpInfo.Tests.Infrastructure;

/// <summary>
/// A test class whose every test has an upstream emulator of its own (xunit makes a class instance per test), on a
/// free loopback port, stopped when the test ends; what it answers is scripted by the test. It starts when a test
/// first asks for it: in classes whose other tests use a shared site, most tests never do.
/// </summary>
public abstract class EmulatedUpstreamTests : IDisposable
{
    private readonly Lazy<IpApiEmulator> upstream = new(IpApiEmulator.Start);

    protected IpApiEmulator Upstream => upstream.Value;

    public void Dispose()
    {
        if (upstream.IsValueCreated)
        {
            upstream.Value.Dispose();
        }

        GC.SuppressFinalize(this);
    }
}
