using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using RazorIpInfo.Bulk;
using RazorIpInfo.Lookup;

namespace RazorIpInfo.UnitTests.Bulk;

/// <summary>Sorting and filtering a bulk result's rows, and reading the view from a request that may say anything.</summary>
public sealed class BulkViewTests
{
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en");

    private static BulkRow Found(string address, string? country = null, string? code = null, string? city = null, string? asNumber = null,
        bool? hosting = null, bool? proxy = null, string provider = "ip-api.com") =>
        new(new BulkEntry(address, IPAddress.Parse(address)), new LookupResult.Found(new IpInfo
        {
            Address = address,
            Country = country,
            CountryCode = code,
            City = city,
            AsNumber = asNumber,
            Hosting = hosting,
            Proxy = proxy,
            Provider = provider,
            FetchedAt = DateTimeOffset.UnixEpoch,
        }));

    private static BulkRow Refused(string text, RefusalReason reason) =>
        new(new BulkEntry(text, IPAddress.TryParse(text, out var address) ? address : null), new LookupResult.Refused(reason));

    private static readonly IReadOnlyList<BulkRow> Rows =
    [
        Found("10.0.0.10", "Germany", "DE", "Berlin", "AS3320", hosting: true),
        Found("2001:db8::1", "Österreich", "AT", "Wien", "AS8447"),
        Found("10.0.0.2", "United States", "US", "Ashburn", "AS15169", hosting: true, proxy: true),
        Refused("999.1.1.1", RefusalReason.InvalidAddress),
        new(new BulkEntry("9.9.9.9", IPAddress.Parse("9.9.9.9")), new LookupResult.QuotaExhausted(TimeSpan.FromSeconds(30))),
        Found("10.0.0.1", "germany", "DE", null, "AS3320", provider: "DB-IP"),
    ];

    private static string[] Addresses(IEnumerable<BulkRow> rows) => [.. rows.Select(r => r.Address)];

    public static TheoryData<string, bool, string[]> Sorts => new()
    {
        // Numerically, IPv4 before IPv6, and what is not an address last.
        { "address", false, ["9.9.9.9", "10.0.0.1", "10.0.0.2", "10.0.0.10", "2001:db8::1", "999.1.1.1"] },
        { "address", true, ["2001:db8::1", "10.0.0.10", "10.0.0.2", "10.0.0.1", "9.9.9.9", "999.1.1.1"] },
        // In the page's language, case aside (Österreich with the O), equal rows in the order given, rows without a value last both ways.
        { "country", false, ["10.0.0.10", "10.0.0.1", "2001:db8::1", "10.0.0.2", "999.1.1.1", "9.9.9.9"] },
        { "country", true, ["10.0.0.2", "2001:db8::1", "10.0.0.10", "10.0.0.1", "999.1.1.1", "9.9.9.9"] },
        // AS numbers as numbers: AS3320 before AS8447 before AS15169.
        { "as", false, ["10.0.0.10", "10.0.0.1", "2001:db8::1", "10.0.0.2", "999.1.1.1", "9.9.9.9"] },
        { "city", false, ["10.0.0.2", "10.0.0.10", "2001:db8::1", "999.1.1.1", "9.9.9.9", "10.0.0.1"] },
        // Flagged rows first, hosting before proxy alone; unflagged rows after them.
        { "flags", false, ["10.0.0.2", "10.0.0.10", "2001:db8::1", "999.1.1.1", "9.9.9.9", "10.0.0.1"] },
        { "source", false, ["10.0.0.1", "10.0.0.10", "2001:db8::1", "10.0.0.2", "999.1.1.1", "9.9.9.9"] },
    };

    [Theory]
    [MemberData(nameof(Sorts))]
    public void RowsSortByAnyColumnWithMissingValuesLast(string column, bool descending, string[] expected)
    {
        var view = new BulkView(Sort: column, Descending: descending);

        Assert.Equal(expected, Addresses(view.Apply(Rows, English)));
    }

    [Fact]
    public void WithoutASortTheRowsKeepTheOrderGiven()
    {
        Assert.Equal(Addresses(Rows), Addresses(new BulkView().Apply(Rows, English)));
    }

    public static TheoryData<BulkView, string[]> Filters => new()
    {
        { new(Country: "DE"), ["10.0.0.10", "10.0.0.1"] },
        { new(As: "AS15169"), ["10.0.0.2"] },
        { new(Flag: "hosting"), ["10.0.0.10", "10.0.0.2"] },
        { new(Flag: "proxy"), ["10.0.0.2"] },
        { new(Outcome: "found"), ["10.0.0.10", "2001:db8::1", "10.0.0.2", "10.0.0.1"] },
        { new(Outcome: "invalid"), ["999.1.1.1"] },
        // As the summary counts them: a spent budget is among the failed.
        { new(Outcome: "failed"), ["9.9.9.9"] },
        { new(Country: "DE", Flag: "hosting"), ["10.0.0.10"] },
        { new(Country: "FR"), [] },
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public void RowsFilterByCountryNetworkFlagAndOutcome(BulkView view, string[] expected)
    {
        Assert.Equal(expected, Addresses(view.Apply(Rows, English)));
    }

    private static QueryCollection Query(string query) => new(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query));

    public static TheoryData<string, BulkView> Requests => new()
    {
        { "", new() },
        { "?sort=country&order=desc", new(Sort: "country", Descending: true) },
        { "?SORT=City&order=DESC", new(Sort: "city", Descending: true) },
        { "?country=de&as=as013335&flag=Hosting&outcome=FAILED", new(Country: "DE", As: "AS13335", Flag: "hosting", Outcome: "failed") },
        // Whatever else arrives is ignored, never an error.
        { "?sort=password&order=sideways", new() },
        { "?sort=" + new string('a', 100_000), new() },
        { "?sort=country&sort=city", new() },
        { "?country=DEU&as=13335&flag=vpn&outcome=maybe", new() },
        { "?country=%00%01&as=AS99999999999&flag=&outcome=%F0%9F%98%80", new() },
        { "?as=AS-1&country=1A", new() },
        { "?country=" + new string('D', 1_000_000), new() },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public void AViewIsReadFromTheQueryAndAnythingUnknownIsIgnored(string query, BulkView expected)
    {
        Assert.Equal(expected, BulkView.Parse(Query(query)));
    }

    [Fact]
    public void TheQueryNamesTheViewAndReadsBackAsTheSameView()
    {
        var view = new BulkView(Sort: "as", Descending: true, Country: "DE", As: "AS3320", Flag: "proxy", Outcome: "found");

        Assert.Equal("sort=as&order=desc&country=DE&as=AS3320&flag=proxy&outcome=found", view.Query());
        Assert.Equal(view, BulkView.Parse(Query("?" + view.Query())));
        Assert.Equal("sort=as&order=desc", view.Query(filters: false));
    }

    [Fact]
    public void TheFilterFormsFieldsCountWhereTheQueryDoesNotNameTheFilter()
    {
        var form = new FormCollection(new Dictionary<string, StringValues> { ["country"] = "US", ["flag"] = "hosting" });

        // The Apply button: the sort in its query, the filters from the fields.
        Assert.Equal(new BulkView(Sort: "city", Country: "US", Flag: "hosting"), BulkView.Parse(Query("?sort=city"), form));
        // A summary link names every filter, empty for none: its own wins over the fields.
        Assert.Equal(new BulkView(Outcome: "invalid"), BulkView.Parse(Query("?country=&as=&flag=&outcome=invalid"), form));
        // The sort comes only from the query.
        Assert.Equal(new BulkView(Country: "US", Flag: "hosting"), BulkView.Parse(Query(""), new FormCollection(new() { ["sort"] = "city", ["country"] = "US", ["flag"] = "hosting" })));
    }

    [Fact]
    public void PressingTheSortedColumnAgainTurnsTheOrderAndAnotherColumnStartsAscending()
    {
        var byCountry = new BulkView().SortedBy("country");

        Assert.Equal(new BulkView(Sort: "country"), byCountry);
        Assert.Equal(new BulkView(Sort: "country", Descending: true), byCountry.SortedBy("country"));
        Assert.Equal(new BulkView(Sort: "city"), byCountry.SortedBy("country").SortedBy("city"));
        Assert.Equal("ascending", byCountry.AriaSort("country"));
        Assert.Null(byCountry.AriaSort("city"));
    }

    [Fact]
    public void ASummaryLinkShowsItsRowsAloneAndKeepsTheSort()
    {
        var view = new BulkView(Sort: "city", Country: "DE", Flag: "hosting");

        Assert.Equal(new BulkView(Sort: "city", Outcome: "failed"), view.Only(outcome: "failed"));
        Assert.Equal(new BulkView(Sort: "city"), view.Unfiltered);
    }
}
