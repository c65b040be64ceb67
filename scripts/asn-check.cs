// Checks the offline network database files (ip-location-db "num" CSV: first,last,asn,organisation)
// after a download: every row readable, ranges in ascending order, and known networks where
// they should be. Exits non-zero otherwise, so scripts/fetch-asn.sh installs nothing it cannot trust.
//   dotnet run --file scripts/asn-check.cs -- asn-ipv4-num.csv asn-ipv6-num.csv

using System.Globalization;
using System.Net;
using System.Numerics;

// Networks whose holder has not changed in a decade: a file without them is not the file we want.
(string Address, uint As, string Organisation)[] samples =
[
    ("8.8.8.8", 15169, "Google"),
    ("1.1.1.1", 13335, "Cloudflare"),
    ("2001:4860:4860::8888", 15169, "Google"),
    ("2606:4700:4700::1111", 13335, "Cloudflare"),
];

var failed = false;
foreach (var file in args)
{
    var ipv6 = file.Contains("ipv6", StringComparison.OrdinalIgnoreCase);
    try
    {
        var rows = new List<(UInt128 First, UInt128 Last, uint As, string Organisation)>();
        var line = 0;
        foreach (var text in File.ReadLines(file))
        {
            line++;
            var parts = text.Split(',', 4);
            if (parts.Length != 4 ||
                !UInt128.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var first) ||
                !UInt128.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var last) ||
                !uint.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var asn) ||
                first > last || last > (ipv6 ? UInt128.MaxValue : uint.MaxValue) ||
                (rows.Count > 0 && first <= rows[^1].First))
            {
                throw new InvalidDataException($"line {line} is not an ascending range row: {text[..Math.Min(text.Length, 80)]}");
            }

            rows.Add((first, last, asn, parts[3].Trim('"')));
        }

        foreach (var (address, expectedAs, organisation) in samples.Where(s => s.Address.Contains(':') == ipv6))
        {
            var value = new BigIntegerBox(IPAddress.Parse(address)).Value;
            // The last range starting at or below: where ranges overlap (a few do), the later, narrower one wins, as on the site.
            var row = rows.FindLast(r => r.First <= value);
            if (row.Last < value || row.As != expectedAs || !row.Organisation.Contains(organisation, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidDataException($"{address} should be AS{expectedAs} ({organisation}) but is AS{row.As} ({row.Organisation})");
            }

        }

        Console.WriteLine($"{Path.GetFileName(file)}: {rows.Count} ranges; {string.Join(", ", samples.Where(s => s.Address.Contains(':') == ipv6).Select(s => $"{s.Address} -> AS{s.As}"))}");
    }
    catch (Exception ex) when (ex is InvalidDataException or IOException)
    {
        Console.Error.WriteLine($"{file}: cannot be used: {ex.Message}");
        failed = true;
    }
}

return failed ? 1 : 0;

readonly struct BigIntegerBox(IPAddress address)
{
    public UInt128 Value { get; } = (UInt128)new BigInteger(address.GetAddressBytes(), isUnsigned: true, isBigEndian: true);
}
