using System.ComponentModel.DataAnnotations;
using System.Net;

namespace RazorIpInfo.Personalisation;

/// <summary>Which proxies may report the client's address, bound from the <c>ForwardedHeaders</c> section.</summary>
public sealed class TrustedProxyOptions : IValidatableObject
{
    public const string Section = "ForwardedHeaders";

    /// <summary>Proxy addresses trusted in addition to loopback, e.g. <c>10.0.0.5</c>.</summary>
    public IList<string> KnownProxies { get; } = new List<string>();

    /// <summary>Proxy networks trusted in addition to loopback, in CIDR form, e.g. <c>10.0.0.0/8</c>.</summary>
    public IList<string> KnownNetworks { get; } = new List<string>();

    /// <summary>
    /// How many entries of the forwarded chain are read, right to left. Bounded so that a client cannot
    /// make us walk an arbitrarily long header.
    /// </summary>
    [Range(1, 20)]
    public int ForwardLimit { get; set; } = 1;

    /// <summary>
    /// A header to read the client address from instead of X-Forwarded-For (CF-Connecting-IP, X-Real-IP),
    /// honoured, like X-Forwarded-For, only when the peer is a trusted proxy.
    /// </summary>
    [RegularExpression("^[A-Za-z0-9!#$%&'*+.^_`|~-]+$", ErrorMessage = "ForwardedHeaders:ClientIpHeader must be a header name such as CF-Connecting-IP.")]
    public string? ClientIpHeader { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var proxy in KnownProxies.Where(p => !IPAddress.TryParse(p, out _)))
        {
            yield return new ValidationResult(
                $"ForwardedHeaders:KnownProxies contains '{proxy}', which is not an IP address.", [nameof(KnownProxies)]);
        }

        foreach (var network in KnownNetworks.Where(n => !IPNetwork.TryParse(n, out _)))
        {
            yield return new ValidationResult(
                $"ForwardedHeaders:KnownNetworks contains '{network}', which is not a network in CIDR form such as 10.0.0.0/8.", [nameof(KnownNetworks)]);
        }
    }
}
