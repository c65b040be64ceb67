namespace RazorIpInfo.Lookup.DataFiles;

/// <summary>
/// A list the site downloads from the web and keeps fresh in the background, with its last good copy on
/// disk (see <see cref="DownloadedDataServiceCollectionExtensions.AddDownloadedData{T}"/>). Resolved as a
/// keyed singleton: <c>[FromKeyedServices(name)] IDownloadedData&lt;T&gt;</c>.
/// </summary>
public interface IDownloadedData<T>
    where T : class
{
    /// <summary>Null until a good copy exists (from disk at start, or downloaded).</summary>
    T? Current { get; }

    /// <summary>When the current copy was downloaded (the file's time for the copy read from disk); null without one.</summary>
    DateTimeOffset? FetchedAt { get; }

    /// <summary>
    /// The current copy is older than <see cref="DownloadedDataSettings.StaleAfter"/>, by the lookup clock.
    /// False without a copy: <see cref="Current"/> being null already says there is none.
    /// </summary>
    bool IsStale { get; }
}

/// <summary>Where one downloaded list comes from, how often it is fetched and how large it may be.</summary>
/// <param name="Url">The list's address; any http(s) URL, such as a mirror's. Redirects are not followed.</param>
/// <param name="RefreshInterval">Time between downloads (a failed one is tried again after at most five minutes).</param>
/// <param name="StaleAfter">Age after which the copy in use counts as stale (<c>/readyz</c> says Degraded).</param>
/// <param name="MaxBytes">The largest body accepted, after decompression; a larger one keeps the previous copy.</param>
/// <param name="FileName">The last good copy's file name in <c>DownloadedData:Directory</c>.</param>
public sealed record DownloadedDataSettings(Uri Url, TimeSpan RefreshInterval, TimeSpan StaleAfter, long MaxBytes, string FileName)
{
    /// <summary>False: nothing is downloaded or read from disk and <see cref="IDownloadedData{T}.Current"/> stays null (an operator turned the feature off).</summary>
    public bool Enabled { get; init; } = true;
}
