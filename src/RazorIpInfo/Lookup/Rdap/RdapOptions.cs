using System.ComponentModel.DataAnnotations;
using RazorIpInfo.Hosting;

namespace RazorIpInfo.Lookup.Rdap;

/// <summary>Registration data (RDAP): where IANA's bootstrap files are, and how the registries are asked.</summary>
public sealed class RdapOptions : IValidatableObject
{
    public const string Section = "Rdap";

    public const string DefaultBootstrapBaseUrl = "https://data.iana.org/rdap/";

    /// <summary>
    /// Where <c>ipv4.json</c>, <c>ipv6.json</c> and <c>asn.json</c> are (RFC 9224); a mirror serves the same names.
    /// Empty: no registration data (nothing is downloaded, and no registry is asked).
    /// </summary>
    [HttpUrl]
    public string? BootstrapBaseUrl { get; set; } = DefaultBootstrapBaseUrl;

    public bool Enabled => !string.IsNullOrWhiteSpace(BootstrapBaseUrl);

    /// <summary>IANA changes the files a few times a year; once a day notices a change in good time.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan BootstrapRefreshInterval { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How long a registry's answer is kept: registrations change over months, not minutes.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How long a failed or refused answer is kept, so a registry that is down is not asked on every click.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan FailureCacheDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A network's record is a few kilobytes, an AS's with its contacts tens; more is not a registry talking.</summary>
    [Range(4 * 1024, 4 * 1024 * 1024)]
    public int MaxAnswerBytes { get; set; } = 256 * 1024;

    /// <summary>One registry call, body and redirects' each included.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:30")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Each registry's own budget, shared by every instance through Redis; the registries ask for restraint.</summary>
    [Range(1, 100_000)]
    public int RequestsPerMinute { get; set; } = 30;

    /// <summary>
    /// Hosts (no scheme, no port) that the bootstrap may name on a loopback or private address, asked over
    /// plain http: a registry mirror on the local network, or the tests' emulators. Everything else is https
    /// to a public address, and only to a host the bootstrap names.
    /// </summary>
    public string[] LocalHosts { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var host in LocalHosts)
        {
            if (Uri.CheckHostName(host) is UriHostNameType.Unknown or UriHostNameType.Basic)
            {
                yield return new ValidationResult($"Rdap:LocalHosts contains '{host}', which is not a host name or an address (no scheme, no port).");
            }
        }
    }
}
