using System.Globalization;
using System.Net;
using System.Net.Sockets;
using MaxMind.Db;
using Microsoft.Extensions.Options;
using RazorIpInfo.Lookup.DataFiles;

namespace RazorIpInfo.Lookup.GeoDb;

/// <summary>
/// Answers from the DB-IP City Lite database on local disk: country, region, city, postal code and
/// coordinates, without any network. It cannot know the server's own public address.
/// </summary>
public sealed partial class MmdbProvider : IIpInfoProvider
{
    public const string Id = "mmdb";
    public const string ProviderName = "DB-IP";

    private readonly ReloadingFile<Reader> ipv4;
    private readonly ReloadingFile<Reader> ipv6;
    private readonly TimeProvider time;
    private readonly ILogger<MmdbProvider> logger;

    public MmdbProvider(
        IOptions<GeoDbOptions> options,
        IHostEnvironment environment,
        [FromKeyedServices(Caching.LookupCacheServiceCollectionExtensions.ClockKey)] TimeProvider time,
        ILogger<MmdbProvider> logger)
    {
        Directory = DataFolder.Resolve(options.Value.Directory, environment.ContentRootPath);
        var maxBytes = options.Value.MaxFileBytes;
        // Looked at on every lookup (one stat): a replaced database shows at once, as the README promises.
        ipv4 = new ReloadingFile<Reader>(Path.Combine(Directory, GeoDbOptions.Ipv4File), GeoDbFile.Kind(requiredIpVersion: 4, maxBytes), TimeSpan.Zero, time, logger);
        ipv6 = new ReloadingFile<Reader>(Path.Combine(Directory, GeoDbOptions.Ipv6File), GeoDbFile.Kind(requiredIpVersion: 6, maxBytes), TimeSpan.Zero, time, logger);
        this.time = time;
        this.logger = logger;
    }

    public string Name => ProviderName;

    /// <summary>The folder the database files are read from, after resolving a relative setting.</summary>
    public string Directory { get; }

    /// <summary>Whether either file is loaded now (one look at each file on disk): the advice to fetch the database has then been followed.</summary>
    public bool IsLoaded => ipv4.Refresh() == DataFileState.Loaded || ipv6.Refresh() == DataFileState.Loaded;

    /// <summary>Opens both files and reports in one line what is missing, so start-up says whether the provider works.</summary>
    public void Open()
    {
        var missing = new[] { ipv4, ipv6 }.Where(file => file.Refresh() == DataFileState.Missing).Select(file => Path.GetFileName(file.Path)).ToList();
        if (missing.Count > 0)
        {
            LogMissing(logger, string.Join(", ", missing), Directory);
        }
    }

    public Task<LookupResult> LookupAsync(IPAddress? address, string language, CancellationToken cancellationToken)
    {
        if (address is null)
        {
            return Task.FromResult<LookupResult>(new LookupResult.Unavailable(UnavailableReason.Error));
        }

        address = AddressInput.Normalise(address);
        var file = address.AddressFamily == AddressFamily.InterNetworkV6 ? ipv6 : ipv4;
        try
        {
            if (file.Current?.Find<GeoDbRecord>(address) is not { CountryCode: not null } record)
            {
                return Task.FromResult<LookupResult>(new LookupResult.Unavailable(UnavailableReason.Error));
            }

            return Task.FromResult<LookupResult>(new LookupResult.Found(Map(address, record, language)));
        }
        catch (Exception ex) when (ex is InvalidDatabaseException or ArgumentException or IndexOutOfRangeException or InvalidCastException or OverflowException)
        {
            // A file that passed the checks at load but holds a damaged record further in: that lookup fails, the site goes on.
            LogCorruptRecord(logger, file.Path, ex.Message);
            return Task.FromResult<LookupResult>(new LookupResult.Unavailable(UnavailableReason.Error));
        }
    }

    private IpInfo Map(IPAddress address, GeoDbRecord record, string language) => new()
    {
        Address = address.ToString(),
        Country = CountryName(record.CountryCode!, language),
        CountryCode = record.CountryCode,
        // A file is an upstream like any other: its strings pass the same gate as ip-api.com's.
        Region = UpstreamText.Clean(record.State1),
        City = UpstreamText.Clean(record.City),
        PostalCode = UpstreamText.Clean(record.Postcode),
        // The file stores single-precision floats; rounding drops digits it never had (37.422 would
        // otherwise read 37.42200088500977), and four decimals are finer than a city-level guess.
        Latitude = record.Latitude is { } lat ? Math.Round(lat, 4) : null,
        Longitude = record.Longitude is { } lon ? Math.Round(lon, 4) : null,
        TimeZone = UpstreamText.Clean(record.TimeZone),
        Provider = ProviderName,
        FetchedAt = time.GetUtcNow(),
    };

    /// <summary>
    /// The country's name in <paramref name="language"/>, from the platform's ICU data. RegionInfo.DisplayName
    /// follows only the operating system's UI language, but a region built from a culture such as "de-US"
    /// has its NativeName in that culture's language ("Vereinigte Staaten"). The neutral parent keeps the
    /// script: zh-CN gives "zh-Hans-US", simplified characters.
    /// </summary>
    private static string? CountryName(string code, string language)
    {
        try
        {
            var culture = CultureInfo.GetCultureInfo(language);
            var neutral = culture.IsNeutralCulture || culture.Parent == CultureInfo.InvariantCulture ? culture.Name : culture.Parent.Name;
            return new RegionInfo(CultureInfo.GetCultureInfo($"{neutral}-{code}").Name).NativeName;
        }
        catch (ArgumentException)
        {
            // No such combination, or no ICU data (invariant globalization): the English name, or, for a
            // code .NET does not know (such as "ZZ"), nothing, and the card shows the code alone.
            try
            {
                return new RegionInfo(code).EnglishName;
            }
            catch (ArgumentException)
            {
                return null;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Offline geolocation database not found ({Files} missing); the mmdb provider answers nothing until they appear. Fetch them with scripts/fetch-geodb.sh {Directory}")]
    private static partial void LogMissing(ILogger logger, string files, string directory);

    [LoggerMessage(Level = LogLevel.Error, Message = "Offline geolocation database {Path} holds a corrupt record: {Reason}")]
    private static partial void LogCorruptRecord(ILogger logger, string path, string reason);
}
