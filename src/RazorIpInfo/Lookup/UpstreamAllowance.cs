namespace RazorIpInfo.Lookup;

/// <summary>
/// How many of <paramref name="wanted"/> uncached addresses a bulk lookup may send to ip-api.com for the
/// client that asked. The rest is not refused: it goes to the next provider (the offline database), and
/// only what no provider answers is reported as spent, with <see cref="UpstreamGrant.RetryAfter"/>.
/// </summary>
public delegate UpstreamGrant UpstreamAllowance(int wanted);

/// <summary>What an <see cref="UpstreamAllowance"/> granted, and when a client that got less than it wanted has more.</summary>
public readonly record struct UpstreamGrant(int Granted, TimeSpan RetryAfter)
{
    /// <summary>For what the visitor already has (a download of a result): the cache and offline providers only.</summary>
    public static UpstreamAllowance None { get; } = _ => new UpstreamGrant(0, TimeSpan.FromMinutes(1));
}
