namespace RazorIpInfo.Lookup.HostNames;

/// <summary>The outcome of looking up what a visitor typed: the lookup, the normalised query, and the name's resolution when it was a name.</summary>
public sealed record QueryAnswer(LookupResult Result, string? Query, HostResolution? Host = null);

/// <summary>
/// What a visitor typed, looked up: an IP address as it is, a host name through the server's resolver
/// and then its first public address. Pages, the JSON API and the text endpoints all go through here.
/// </summary>
public sealed class AddressQuery(IpLookupService lookup, HostNameLookup hostNames)
{
    public async Task<QueryAnswer> LookupAsync(string text, string language, bool refresh, CancellationToken cancellationToken)
    {
        if (AddressInput.TryParse(text, out var address))
        {
            return new QueryAnswer(await lookup.LookupAsync(address, language, refresh, cancellationToken), address.ToString());
        }

        if (!HostNameInput.TryNormalise(text, out var name))
        {
            return new QueryAnswer(new LookupResult.Refused(RefusalReason.InvalidAddress), null);
        }

        var host = await hostNames.ResolveAsync(name, cancellationToken);
        if (host.Outcome != HostNameOutcome.Resolved)
        {
            return new QueryAnswer(new LookupResult.Unavailable(UnavailableReason.Error), name, host);
        }

        // Only private or reserved addresses: the same answer as typing one of them.
        if (host.Chosen is not { } chosen)
        {
            return new QueryAnswer(new LookupResult.Refused(RefusalReason.PrivateRange), name, host);
        }

        var result = await lookup.LookupAsync(chosen, language, refresh, cancellationToken);
        if (result is LookupResult.Found found)
        {
            result = found with
            {
                Info = found.Info with { HostName = name, HostAddresses = [.. host.Addresses.Select(a => a.ToString())] },
            };
        }

        return new QueryAnswer(result, name, host);
    }
}
