using System.Net;
using System.Text;
using RazorIpInfo.Bulk;
using RazorIpInfo.Lookup;

namespace RazorIpInfo.UnitTests.Bulk;

public sealed class BulkExportTests
{
    private static BulkResult Result(params IpInfo[] infos) => new(
        [.. infos.Select(i => new BulkRow(new BulkEntry(i.Address, IPAddress.Parse(i.Address)), new LookupResult.Found(i)))]);

    private static IpInfo Info(string address, string? organisation = null, string? city = null) => new()
    {
        Address = address,
        Organisation = organisation,
        City = city,
        Latitude = -33.87,
        Provider = "ip-api.com",
        FetchedAt = DateTimeOffset.UnixEpoch,
    };

    [Theory]
    [InlineData("=HYPERLINK(\"http://evil\")", "\"'=HYPERLINK(\"\"http://evil\"\")\"")]
    [InlineData("+1+1", "'+1+1")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\t=1", "'\t=1")]
    [InlineData("\r=1", "\"'\r=1\"")]
    [InlineData("Google, LLC", "\"Google, LLC\"")]
    [InlineData("Plain Org", "Plain Org")]
    public void TextThatASpreadsheetWouldRunAsAFormulaIsWrittenAsText(string organisation, string cell)
    {
        var csv = Encoding.UTF8.GetString(BulkExport.Csv(Result(Info("8.8.8.8", organisation))));

        var line = csv.Split("\r\n")[1];
        Assert.Contains("," + cell + ",", line, StringComparison.Ordinal);
    }

    [Fact]
    public void NumbersAreWrittenAsNumbersEvenWhenNegative()
    {
        var csv = Encoding.UTF8.GetString(BulkExport.Csv(Result(Info("8.8.8.8"))));

        Assert.Contains(",-33.87,", csv, StringComparison.Ordinal);
    }

    [Fact]
    public void TheCsvStartsWithAByteOrderMarkAndAHeaderOfMachineNames()
    {
        var bytes = BulkExport.Csv(Result(Info("8.8.8.8", city: "São Paulo")));

        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var text = Encoding.UTF8.GetString(bytes[3..]);
        Assert.StartsWith("query,address,outcome,country,", text, StringComparison.Ordinal);
        Assert.Contains("São Paulo", text, StringComparison.Ordinal);
    }
}
