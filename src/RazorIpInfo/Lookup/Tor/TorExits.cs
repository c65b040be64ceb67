using System.Net;
using RazorIpInfo.Lookup.DataFiles;

namespace RazorIpInfo.Lookup.Tor;

/// <summary>Whether an address is a Tor exit, by the list in use now; null while none is loaded.</summary>
public sealed class TorExits([FromKeyedServices(TorServiceCollectionExtensions.DataName)] IDownloadedData<TorExitList> list)
{
    public bool? IsExit(IPAddress address) => list.Current?.Contains(address);

    /// <summary>
    /// The record with the flag of the list loaded now, whatever it held before: applied after the cache, so a
    /// cached record never keeps the flag of the list it was cached under.
    /// </summary>
    public IpInfo Flag(IpInfo info) =>
        info with { TorExit = IPAddress.TryParse(info.Address, out var address) ? IsExit(address) : null };
}
