using System.Globalization;

namespace RazorIpInfo.Lookup.DataFiles;

/// <summary>
/// A downloaded list's name, known without building the list (which reads options and the disk), so that
/// /readyz can name its entries while start-up is still validating the options.
/// </summary>
internal sealed record DownloadedDataName(string Name);

/// <summary>What <c>/readyz</c> and <c>/metrics</c> read of every downloaded list, whatever it holds.</summary>
internal interface IDownloadedDataStatus
{
    string Name { get; }

    DownloadedDataSettings Settings { get; }

    bool Loaded { get; }

    DateTimeOffset? FetchedAt { get; }

    bool IsStale { get; }

    /// <summary>Seconds since <see cref="FetchedAt"/>, by the lookup clock; null without a copy.</summary>
    double? AgeSeconds { get; }

    /// <summary>Downloads the list once; whether a new copy is in use.</summary>
    Task<bool> RefreshAsync(CancellationToken cancellationToken);
}

/// <summary>
/// One downloaded list: the copy in use, swapped whole when a download is sound, and its last good copy on
/// disk. At start the disk copy is read through <see cref="ReloadingFile{T}"/> (size cap, parse check, one
/// log line for a file that cannot be used); after that this class is the file's only writer, so it keeps
/// the copy in memory and writes the file for the next start, by rename, never in place.
/// </summary>
internal sealed partial class DownloadedData<T> : IDownloadedData<T>, IDownloadedDataStatus, IDisposable
    where T : class
{
    private readonly Func<ReadOnlyMemory<byte>, T?> parse;
    private readonly IHttpClientFactory clients;
    private readonly TimeProvider clock;
    private readonly ILogger logger;
    private readonly SemaphoreSlim downloading = new(1, 1);
    private Copy? current;
    private bool failing;

    public DownloadedData(
        string name,
        DownloadedDataSettings settings,
        Func<ReadOnlyMemory<byte>, T?> parse,
        string directory,
        IHttpClientFactory clients,
        TimeProvider clock,
        ILogger logger)
    {
        Name = name;
        Settings = settings;
        this.parse = parse;
        this.clients = clients;
        this.clock = clock;
        this.logger = logger;
        Path = System.IO.Path.Combine(directory, settings.FileName);
        if (settings.Enabled)
        {
            current = ReadDiskCopy();
        }
    }

    public string Name { get; }

    public DownloadedDataSettings Settings { get; }

    /// <summary>The last good copy's file.</summary>
    public string Path { get; }

    public T? Current => Volatile.Read(ref current)?.Value;

    public DateTimeOffset? FetchedAt => Volatile.Read(ref current)?.FetchedAt;

    public bool Loaded => Volatile.Read(ref current) is not null;

    public double? AgeSeconds => FetchedAt is { } at ? Math.Max(0, (clock.GetUtcNow() - at).TotalSeconds) : null;

    public bool IsStale => FetchedAt is { } at && clock.GetUtcNow() - at > Settings.StaleAfter;

    /// <summary>
    /// Downloads the list once and, if it is sound, puts it in use and on disk. Never throws for the
    /// upstream's or the disk's sake: a failed download keeps the copy in use, and says so once per outage.
    /// </summary>
    /// <returns>Whether a new copy is in use.</returns>
    public async Task<bool> RefreshAsync(CancellationToken cancellationToken)
    {
        if (!Settings.Enabled)
        {
            return false;
        }

        await downloading.WaitAsync(cancellationToken);
        try
        {
            if (await DownloadAsync(cancellationToken) is not var (body, value))
            {
                return false;
            }

            var fetchedAt = clock.GetUtcNow();
            // Saved first, then used: once /readyz and /metrics show the new copy's time, the disk holds it too (or
            // the log says why it could not be saved), so a restart or an operator's look at the file agrees.
            Save(body, fetchedAt);
            Volatile.Write(ref current, new Copy(value, fetchedAt));
            if (failing)
            {
                failing = false;
                LogRecovered(logger, Name, Settings.Url.Host);
            }

            LogDownloaded(logger, Name, body.Length);
            return true;
        }
        finally
        {
            downloading.Release();
        }
    }

    /// <summary>A body and what it parses to, or null after logging why there is none.</summary>
    private async Task<(byte[] Body, T Value)?> DownloadAsync(CancellationToken cancellationToken)
    {
        string reason;
        try
        {
            using var response = await clients.CreateClient(Name).GetAsync(Settings.Url, cancellationToken);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            var value = response.IsSuccessStatusCode && body.LongLength <= Settings.MaxBytes ? ParseOrNull(body) : null;
            if (value is not null)
            {
                return (body, value);
            }

            reason = !response.IsSuccessStatusCode ? $"HTTP {(int)response.StatusCode}"
                : body.LongLength > Settings.MaxBytes ? $"larger than {Settings.MaxBytes:N0} bytes"
                : "the list is empty or malformed";
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Whatever the upstream or the network did (timeout, refused, open circuit, oversized body),
            // a background refresh's answer is to keep the copy it has.
            reason = ex.Message;
        }

        Failed(reason);
        return null;
    }

    private T? ParseOrNull(ReadOnlyMemory<byte> body)
    {
        try
        {
            return body.IsEmpty ? null : parse(body);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A parser's throw is the body's fault: treated as malformed, like a null.
            return null;
        }
    }

    // One warning when an outage starts; the attempts during it only at Debug.
    private void Failed(string reason)
    {
        var kept = FetchedAt is { } at ? at.ToString("u", CultureInfo.InvariantCulture) : null;
        if (failing)
        {
            LogStillFailing(logger, Name, reason);
            return;
        }

        failing = true;
        if (kept is null)
        {
            LogFailedWithoutCopy(logger, Name, Settings.Url.Host, reason);
        }
        else
        {
            LogFailedKeptCopy(logger, Name, Settings.Url.Host, reason, kept);
        }
    }

    /// <summary>
    /// Writes the copy beside the old file and renames it over, so that a reader (the next start, an
    /// operator's copy) never sees half a file; stamped with the download's time, which is its age at start.
    /// </summary>
    private void Save(byte[] body, DateTimeOffset fetchedAt)
    {
        var temporary = $"{Path}.{Guid.NewGuid():N}.tmp";
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            File.WriteAllBytes(temporary, body);
            File.SetLastWriteTimeUtc(temporary, fetchedAt.UtcDateTime);
            File.Move(temporary, Path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The copy in memory is good; only the next start loses it.
            LogNotSaved(logger, Name, Path, ex.Message);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private Copy? ReadDiskCopy()
    {
        var kind = new DataFileKind<Copy>(Name, Settings.MaxBytes, $"the size cap of {Name}", file =>
        {
            var stamp = new DateTimeOffset(File.GetLastWriteTimeUtc(file), TimeSpan.Zero);
            var body = File.ReadAllBytes(file);
            var value = ParseOrNull(body) ?? throw new InvalidDataException("it is empty or not a list of the expected kind");
            return (new Copy(value, stamp), $"{body.Length:N0} bytes downloaded {stamp.ToString("u", CultureInfo.InvariantCulture)}");
        });
        var file = new ReloadingFile<Copy>(Path, kind, TimeSpan.Zero, clock, logger);
        file.Refresh();
        return file.Current;
    }

    public void Dispose() => downloading.Dispose();

    private sealed record Copy(T Value, DateTimeOffset FetchedAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Data} downloaded ({Bytes} bytes)")]
    private static partial void LogDownloaded(ILogger logger, string data, int bytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Data} could not be downloaded from {Host} ({Reason}); the copy from {FetchedAt} keeps answering until a download succeeds")]
    private static partial void LogFailedKeptCopy(ILogger logger, string data, string host, string reason, string fetchedAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Data} could not be downloaded from {Host} ({Reason}); there is no copy yet, so it is left out of answers until a download succeeds")]
    private static partial void LogFailedWithoutCopy(ILogger logger, string data, string host, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Data} still cannot be downloaded ({Reason})")]
    private static partial void LogStillFailing(ILogger logger, string data, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Data} is downloaded from {Host} again")]
    private static partial void LogRecovered(ILogger logger, string data, string host);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Data} was downloaded but could not be saved to {Path} ({Reason}); it is used, but the next start will not have it")]
    private static partial void LogNotSaved(ILogger logger, string data, string path, string reason);
}
