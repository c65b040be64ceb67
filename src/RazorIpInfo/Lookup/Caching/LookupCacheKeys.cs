using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace RazorIpInfo.Lookup.Caching;

/// <summary>
/// Key names for the lookup cache: a versioned prefix, the provider and language in clear, and the
/// address as a keyed hash, because key names are visible to anyone who can list the Redis keys.
/// </summary>
public sealed class LookupCacheKeys(byte[] secret)
{
    public const string Prefix = "ipinfo:v1:";

    /// <summary>Stands for "the server's own public address", which has no address to hash.</summary>
    public const string Self = "self";

    public string For(string provider, IPAddress? address, string language)
    {
        var subject = address is null
            ? Self
            : Convert.ToHexStringLower(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(AddressInput.Normalise(address).ToString())));
        return $"{Prefix}{provider}:{language}:{subject}";
    }
}
