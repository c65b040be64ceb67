// Opens the offline geolocation database files with MaxMind.Db, as the site does, and prints each
// file's build date and a sample answer. Exits non-zero when a file is missing, corrupt or of the
// wrong IP version. Run by scripts/fetch-geodb.sh: dotnet run --file scripts/geodb-check.cs -- FILE...
#:package MaxMind.Db@5.2.0

using System.Net;
using MaxMind.Db;

var failed = false;
foreach (var file in args)
{
    var ipv6 = file.Contains("ipv6", StringComparison.OrdinalIgnoreCase);
    var sample = IPAddress.Parse(ipv6 ? "2001:4860:4860::8888" : "8.8.8.8");
    try
    {
        using var reader = new Reader(file, FileAccessMode.MemoryMapped);
        var record = reader.Find<Dictionary<string, object>>(sample);
        var country = record?.GetValueOrDefault("country_code") as string;
        if (reader.Metadata.IPVersion != (ipv6 ? 6 : 4) || string.IsNullOrEmpty(country))
        {
            throw new InvalidDatabaseException($"IPv{reader.Metadata.IPVersion} database without a country for {sample}");
        }

        Console.WriteLine($"{Path.GetFileName(file)}: {reader.Metadata.DatabaseType}, built {reader.Metadata.BuildDate:yyyy-MM-dd HH:mm} UTC; {sample} -> {country} {record!.GetValueOrDefault("city")}");
    }
    catch (Exception ex) when (ex is InvalidDatabaseException or IOException)
    {
        Console.Error.WriteLine($"{file}: cannot be used: {ex.Message}");
        failed = true;
    }
}

return failed ? 1 : 0;
