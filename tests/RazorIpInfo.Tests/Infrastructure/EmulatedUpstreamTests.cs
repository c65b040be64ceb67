namespace RazorIpInfo.Tests.Infrastructure;

/// <summary>
/// A test class whose every test has an upstream emulator of its own (xunit makes a class instance per test), on a
/// free loopback port, stopped when the test ends; what it answers is scripted by the test.
/// </summary>
public abstract class EmulatedUpstreamTests : IDisposable
{
    protected IpApiEmulator Upstream { get; } = IpApiEmulator.Start();

    public void Dispose()
    {
        Upstream.Dispose();
        GC.SuppressFinalize(this);
    }
}
