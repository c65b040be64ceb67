using System.ComponentModel.DataAnnotations;
using System.Net.Sockets;

namespace RazorIpInfo.DualStack;

/// <summary>
/// The host names that show a visitor both of their addresses, bound from the <c>DualStack</c> section:
/// one with only an A record, one with only an AAAA record, and the main site's, which alone (with
/// the two) may embed their <c>/family</c> page. Unset: the feature is off.
/// </summary>
public sealed class DualStackOptions : IValidatableObject
{
    public const string Section = "DualStack";

    /// <summary>A host name that resolves only to the server's IPv4 address (an A record and no AAAA).</summary>
    public string? Ipv4Host { get; set; }

    /// <summary>A host name that resolves only to the server's IPv6 address (an AAAA record and no A).</summary>
    public string? Ipv6Host { get; set; }

    /// <summary>
    /// The main page's host name (A and AAAA). Required with the other two: it is named in the
    /// <c>frame-ancestors</c> of <c>/family</c>, and a name taken from a request would let any page name itself.
    /// </summary>
    public string? SiteHost { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(Ipv4Host) && !string.IsNullOrWhiteSpace(Ipv6Host);

    /// <summary>The family a family host answers; null for any other host (the main one among them).</summary>
    public AddressFamily? FamilyServedBy(HostString host)
    {
        if (!Enabled || !host.HasValue)
        {
            return null;
        }

        var name = host.Host.TrimEnd('.');
        return string.Equals(name, Ipv4Host, StringComparison.OrdinalIgnoreCase) ? AddressFamily.InterNetwork
            : string.Equals(name, Ipv6Host, StringComparison.OrdinalIgnoreCase) ? AddressFamily.InterNetworkV6
            : null;
    }

    public string? HostFor(AddressFamily family) => family == AddressFamily.InterNetworkV6 ? Ipv6Host : Ipv4Host;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(Ipv4Host) != string.IsNullOrWhiteSpace(Ipv6Host))
        {
            yield return new ValidationResult(
                "DualStack:Ipv4Host and DualStack:Ipv6Host must be set together, or neither (which turns the feature off).",
                [nameof(Ipv4Host), nameof(Ipv6Host)]);
            yield break;
        }

        if (!Enabled)
        {
            if (!string.IsNullOrWhiteSpace(SiteHost))
            {
                yield return new ValidationResult(
                    "DualStack:SiteHost means nothing without DualStack:Ipv4Host and DualStack:Ipv6Host.", [nameof(SiteHost)]);
            }

            yield break;
        }

        if (string.IsNullOrWhiteSpace(SiteHost))
        {
            yield return new ValidationResult(
                "DualStack:SiteHost must be set with DualStack:Ipv4Host and DualStack:Ipv6Host: the main page's host name, the one site allowed to embed theirs.",
                [nameof(SiteHost)]);
            yield break;
        }

        foreach (var (key, value) in new[] { ("Ipv4Host", Ipv4Host!), ("Ipv6Host", Ipv6Host!), ("SiteHost", SiteHost!) })
        {
            if (!IsPlainHostName(value))
            {
                yield return new ValidationResult(
                    $"DualStack:{key} is '{value}', which is not a plain host name such as ipv6.example.com (no scheme, port, path or address).",
                    [key]);
            }
        }

        if (string.Equals(Ipv4Host, Ipv6Host, StringComparison.OrdinalIgnoreCase) ||
            string.Equals(Ipv4Host, SiteHost, StringComparison.OrdinalIgnoreCase) ||
            string.Equals(Ipv6Host, SiteHost, StringComparison.OrdinalIgnoreCase))
        {
            yield return new ValidationResult(
                "DualStack:Ipv4Host, DualStack:Ipv6Host and DualStack:SiteHost must differ: each family host resolves to one address family only.",
                [nameof(Ipv4Host), nameof(Ipv6Host)]);
        }
    }

    // The names go into URLs and a Content-Security-Policy as they are; an address literal would need
    // brackets there and is no host name a DNS record could give one family.
    private static bool IsPlainHostName(string value) =>
        Uri.CheckHostName(value) == UriHostNameType.Dns && !value.EndsWith('.');
}
