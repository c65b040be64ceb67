using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using RazorIpInfo.Lookup;

namespace RazorIpInfo.Bulk;

/// <summary>A bulk result as the API answers it and as the page's downloads carry it.</summary>
public static class BulkExport
{
    public const string CsvContentType = "text/csv; charset=utf-8";

    /// <summary>
    /// One item per row: the record a single lookup returns, or a ProblemDetails-style object saying why
    /// there is none, with the entry as given in <c>query</c>. Both downloads and the API use this.
    /// </summary>
    public static List<object> Items(BulkResult result) => [.. result.Rows.Select(Item)];

    public static object Item(BulkRow row)
    {
        if (row.Info is { } info)
        {
            return info;
        }

        var failure = LookupFailure.Of(row.Result, row.Entry.Address?.ToString());
        return new ProblemDetails
        {
            Status = failure.Status,
            Title = failure.Title,
            Detail = failure.Detail,
            Extensions = { ["query"] = row.Entry.Text },
        };
    }

    private static readonly string[] CsvColumns =
    [
        "query", "address", "outcome", "country", "country_code", "region", "city", "latitude", "longitude",
        "as_number", "as_name", "organisation", "isp", "hosting", "proxy", "mobile", "tor", "provider", "detail",
    ];

    /// <summary>RFC 4180 CSV, UTF-8 with a byte order mark so that spreadsheets read accents and CJK right.</summary>
    public static byte[] Csv(BulkResult result)
    {
        var csv = new StringBuilder();
        csv.AppendJoin(',', CsvColumns).Append("\r\n");
        foreach (var row in result.Rows)
        {
            var info = row.Info;
            var detail = info is null ? LookupFailure.Of(row.Result, row.Entry.Address?.ToString()).Detail : null;
            string?[] cells =
            [
                Text(row.Entry.Text), row.Entry.Address?.ToString(), OutcomeName(row.Outcome),
                Text(info?.Country), Text(info?.CountryCode), Text(info?.Region), Text(info?.City),
                Number(info?.Latitude), Number(info?.Longitude),
                Text(info?.AsNumber), Text(info?.AsName), Text(info?.Organisation), Text(info?.Isp),
                Flag(info?.Hosting), Flag(info?.Proxy), Flag(info?.Mobile), Flag(info?.TorExit), Text(info?.Provider), Text(detail),
            ];
            csv.AppendJoin(',', cells.Select(Quote)).Append("\r\n");
        }

        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(csv.ToString())];
    }

    public static string OutcomeName(BulkOutcome outcome) => outcome switch
    {
        BulkOutcome.Found => "found",
        BulkOutcome.Invalid => "invalid",
        BulkOutcome.Private => "private",
        BulkOutcome.Reserved => "reserved",
        BulkOutcome.QuotaExhausted => "quota_exhausted",
        _ => "failed",
    };

    /// <summary>A file name that sorts by time and says what it is.</summary>
    public static string FileName(DateTimeOffset now, string extension) =>
        $"ip-info-bulk-{now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}.{extension}";

    /// <summary>
    /// Text from a visitor or the upstream that a spreadsheet would run as a formula (=, +, -, @, or a tab or
    /// carriage return before one) starts with an apostrophe instead (OWASP's CSV injection advice).
    /// Numbers and flags are written by us from typed values, so they are left as they are.
    /// </summary>
    internal static string? Text(string? value) =>
        value is { Length: > 0 } && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value;

    private static string? Number(double? value) => value?.ToString("R", CultureInfo.InvariantCulture);

    private static string? Flag(bool? value) => value switch
    {
        true => "true",
        false => "false",
        null => null,
    };

    private static string Quote(string? value) =>
        value is null ? "" :
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" :
        value;
}
