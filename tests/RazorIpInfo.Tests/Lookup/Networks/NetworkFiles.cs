using RazorIpInfo.Lookup.Networks;
using RazorIpInfo.Tests.Infrastructure;

namespace RazorIpInfo.Tests.Lookup.Networks;

/// <summary>
/// The network data a test uses: the small fixture copied beside the tests, or the real files fetched by
/// scripts/fetch-asn.sh into data/asn. Without the real files a developer sees their tests skipped with
/// the reason; under CI=true they run, and fail.
/// </summary>
internal static class NetworkFiles
{
    public static string Fixture { get; } = Path.Combine(AppContext.BaseDirectory, "Lookup", "Networks", "Fixture");

    public static string Real { get; } = Path.Combine(RazorIpInfoFactory.RepositoryRoot, "data", "asn");

    private static bool RealPresent =>
        File.Exists(Path.Combine(Real, NetworkOptions.Ipv4File)) && File.Exists(Path.Combine(Real, NetworkOptions.Ipv6File));

    public static string? SkipReason =>
        RealPresent || string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
            ? null
            : $"The offline network data is not in {Real}; run scripts/fetch-asn.sh to include these tests.";

    public static void RequireReal()
    {
        if (!RealPresent)
        {
            throw new Xunit.Sdk.XunitException($"The offline network data is missing from {Real}; run scripts/fetch-asn.sh.");
        }
    }
}

/// <summary>A theory that needs the real network data; see <see cref="NetworkFiles"/>.</summary>
public sealed class NetworkDataTheoryAttribute : TheoryAttribute
{
    public NetworkDataTheoryAttribute() => Skip = NetworkFiles.SkipReason;
}

/// <summary>A fact that needs the real network data; see <see cref="NetworkFiles"/>.</summary>
public sealed class NetworkDataFactAttribute : FactAttribute
{
    public NetworkDataFactAttribute() => Skip = NetworkFiles.SkipReason;
}
