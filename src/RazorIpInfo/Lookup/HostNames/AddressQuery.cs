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

        switch (HostNameInput.Read(text, out var name))
        {
            case HostNameInputKind.NotAName:
                return new QueryAnswer(new LookupResult.Refused(RefusalReason.InvalidAddress), null);
            case HostNameInputKind.NumericAddress:
                return Refused(HostNameOutcome.NumericAddress);
            case HostNameInputKind.SingleLabel:
                return Refused(HostNameOutcome.SingleLabel);
        }

        var host = await hostNames.ResolveAsync(name!, cancellationToken);
        if (host.Outcome == HostNameOutcome.NonPublic)
        {
            // Only private or reserved addresses: said as such, without saying which (they are the server's internal view).
            return new QueryAnswer(new LookupResult.Refused(RefusalReason.PrivateRange), name, host);
        }

        if (host is not { Outcome: HostNameOutcome.Resolved, Chosen: { } chosen })
        {
            return new QueryAnswer(new LookupResult.Unavailable(UnavailableReason.Error), name, host);
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

    // Not echoed: the sentence explains the form, and the field still holds what was typed.
    private static QueryAnswer Refused(HostNameOutcome why) =>
        new(new LookupResult.Refused(RefusalReason.InvalidAddress), null, new HostResolution("", why, []));
}
