using System.Net;

namespace RazorIpInfo.Lookup;

/// <summary>A source of IP information: a remote API or a local database.</summary>
public interface IIpInfoProvider
{
    /// <summary>The name shown on the card ("from ip-api.com") and used in cache keys.</summary>
    string Name { get; }

    /// <summary>
    /// Looks up a public <paramref name="address"/>, or, when it is null, the server's own public
    /// address (which only a remote provider can see). Never throws for an upstream failure.
    /// </summary>
    Task<LookupResult> LookupAsync(IPAddress? address, string language, CancellationToken cancellationToken);

    /// <summary>
    /// As <see cref="LookupAsync(IPAddress?, string, CancellationToken)"/>; <paramref name="refresh"/> asks a
    /// caching provider for a newer answer than it holds. Providers without a cache ignore it.
    /// </summary>
    Task<LookupResult> LookupAsync(IPAddress? address, string language, bool refresh, CancellationToken cancellationToken) =>
        LookupAsync(address, language, cancellationToken);
}
