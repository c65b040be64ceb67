using System.Globalization;
using System.Net;
using System.Numerics;
using System.Text;
using Microsoft.Extensions.Primitives;
using RazorIpInfo.Lookup;

namespace RazorIpInfo.Bulk;

/// <summary>
/// A column of the bulk table: the name it has in a sort link (<c>?sort=country</c>), the resource key of its
/// header, and the value its rows are ordered by. The table, its sort links and its stacked phone labels are all
/// drawn from <see cref="BulkView.Columns"/>, so a new column is one entry there and one cell in the partial.
/// </summary>
/// <param name="Key">The column's name in the query string.</param>
/// <param name="Header">The resource key of its header (and of its label in the stacked layout).</param>
/// <param name="SortKey">A string (compared in the page's language), a number, or null: rows without a value sort last either way.</param>
public sealed record BulkColumn(string Key, string Header, Func<BulkRow, object?> SortKey);

/// <summary>A network flag rows can be filtered by (<c>?flag=hosting</c>), and where the record says it.</summary>
public sealed record BulkFlag(string Key, string Label, Func<IpInfo, bool?> Value);

/// <summary>A group of outcomes rows can be filtered by (<c>?outcome=failed</c>), as the summary counts them.</summary>
public sealed record BulkOutcomeFilter(string Key, string Label, Func<BulkOutcome, bool> Matches);

/// <summary>
/// How the visitor wants the bulk table: sorted by one column and filtered by country, network, flag and outcome.
/// It travels in the query string of the sort and filter controls, so it works without JavaScript; the rows
/// themselves are never in it (they come back the way the downloads bring them, see <c>BulkModel.OnPostViewAsync</c>).
/// Every value is checked against what it can be: anything else (an unknown column, a 10 MB country) is ignored.
/// </summary>
public sealed record BulkView(string? Sort = null, bool Descending = false, string? Country = null, string? As = null, string? Flag = null, string? Outcome = null)
{
    public const string SortParameter = "sort";
    public const string OrderParameter = "order";
    public const string CountryParameter = "country";
    public const string AsParameter = "as";
    public const string FlagParameter = "flag";
    public const string OutcomeParameter = "outcome";

    public static readonly IReadOnlyList<BulkColumn> Columns =
    [
        new("address", "Bulk.Table.Address", row => AddressOrder(row.Entry.Address)),
        new("country", "Card.Country", row => row.Info?.Country),
        new("region", "Card.Region", row => row.Info?.Region),
        new("city", "Card.City", row => row.Info?.City),
        new("as", "Card.As", row => AsNumber(row.Info?.AsNumber)),
        new("organisation", "Card.Organisation", row => row.Info is { } info ? info.Organisation ?? info.AsName : null),
        new("flags", "Bulk.Table.Flags", row => FlagOrder(row.Info)),
        new("source", "Bulk.Table.Source", row => row.Info?.Provider),
    ];

    public static readonly IReadOnlyList<BulkFlag> Flags =
    [
        new("hosting", "Card.Network.Hosting", info => info.Hosting),
        new("proxy", "Card.Network.Proxy", info => info.Proxy),
        new("mobile", "Card.Network.Mobile", info => info.Mobile),
        new("tor", "Card.Network.TorExit", info => info.TorExit),
    ];

    public static readonly IReadOnlyList<BulkOutcomeFilter> Outcomes =
    [
        new("found", "Bulk.Summary.Found", o => o == BulkOutcome.Found),
        new("invalid", "Bulk.Summary.Invalid", o => o == BulkOutcome.Invalid),
        new("private", "Bulk.Summary.Private", o => o == BulkOutcome.Private),
        new("reserved", "Bulk.Summary.Reserved", o => o == BulkOutcome.Reserved),
        // As the summary counts them: a spent budget is a lookup that failed for now.
        new("failed", "Bulk.Summary.Failed", o => o is BulkOutcome.Failed or BulkOutcome.QuotaExhausted),
    ];

    public bool IsFiltered => Country is not null || As is not null || Flag is not null || Outcome is not null;

    /// <summary>
    /// The view a request asks for. The query string is the view; a filter it does not mention comes from the
    /// filter form's fields in <paramref name="form"/> (its Apply button leaves the filters out of its query,
    /// while sort buttons and summary links name every filter, empty for none, so that they win over the fields).
    /// </summary>
    public static BulkView Parse(IEnumerable<KeyValuePair<string, StringValues>> query, IEnumerable<KeyValuePair<string, StringValues>>? form = null)
    {
        var fromQuery = Collect(query);
        var fromForm = Collect(form ?? []);
        string? Value(string name) => fromQuery.TryGetValue(name, out var q) ? q : fromForm.GetValueOrDefault(name);

        var sort = fromQuery.GetValueOrDefault(SortParameter);
        return new BulkView(
            Sort: Columns.FirstOrDefault(c => string.Equals(c.Key, sort, StringComparison.OrdinalIgnoreCase))?.Key,
            Descending: string.Equals(fromQuery.GetValueOrDefault(OrderParameter), "desc", StringComparison.OrdinalIgnoreCase),
            Country: CountryCode(Value(CountryParameter)),
            As: AsName(Value(AsParameter)),
            Flag: Flags.FirstOrDefault(f => string.Equals(f.Key, Value(FlagParameter), StringComparison.OrdinalIgnoreCase))?.Key,
            Outcome: Outcomes.FirstOrDefault(o => string.Equals(o.Key, Value(OutcomeParameter), StringComparison.OrdinalIgnoreCase))?.Key);
    }

    // Parameters are short; a longer value is nothing we wrote, and is not even looked at.
    private const int MaxValueLength = 16;

    private static readonly HashSet<string> Parameters = new(
        [SortParameter, OrderParameter, CountryParameter, AsParameter, FlagParameter, OutcomeParameter], StringComparer.OrdinalIgnoreCase);

    private static Dictionary<string, string> Collect(IEnumerable<KeyValuePair<string, StringValues>> values)
    {
        var collected = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in values)
        {
            if (Parameters.Contains(name))
            {
                // A repeated parameter is not one we wrote either: it counts as empty.
                collected[name] = value.Count == 1 && value[0] is { Length: <= MaxValueLength } single ? single : "";
            }
        }

        return collected;
    }

    private static string? CountryCode(string? value) =>
        value is { Length: 2 } && char.IsAsciiLetter(value[0]) && char.IsAsciiLetter(value[1]) ? value.ToUpperInvariant() : null;

    /// <summary>"AS13335" (any case) as the records write it; anything else is no filter.</summary>
    private static string? AsName(string? value) => AsNumber(value) is { } number ? "AS" + number.ToString(CultureInfo.InvariantCulture) : null;

    private static long? AsNumber(string? value) =>
        value is { Length: > 2 } && value.StartsWith("AS", StringComparison.OrdinalIgnoreCase) &&
        uint.TryParse(value.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : null;

    /// <summary>IPv4 before IPv6, each in numeric order (10.0.0.2 before 10.0.0.10); entries that are not addresses last.</summary>
    private static BigInteger? AddressOrder(IPAddress? address)
    {
        if (address is null)
        {
            return null;
        }

        var value = new BigInteger(address.GetAddressBytes(), isUnsigned: true, isBigEndian: true);
        return address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? value : value + (BigInteger.One << 32);
    }

    /// <summary>Flagged rows first in the order of <see cref="Flags"/>; a row with no flag set has no value.</summary>
    private static string? FlagOrder(IpInfo? info)
    {
        if (info is null)
        {
            return null;
        }

        var order = string.Concat(Flags.Select(f => f.Value(info) == true ? "0" : "1"));
        return order.Contains('0', StringComparison.Ordinal) ? order : null;
    }

    /// <summary>The rows this view shows, filtered, then sorted (stably: equal rows keep the order given).</summary>
    public IReadOnlyList<BulkRow> Apply(IReadOnlyList<BulkRow> rows, CultureInfo culture)
    {
        IEnumerable<BulkRow> shown = rows;
        if (Country is { } country)
        {
            shown = shown.Where(r => string.Equals(r.Info?.CountryCode, country, StringComparison.OrdinalIgnoreCase));
        }

        if (As is { } asName)
        {
            shown = shown.Where(r => string.Equals(AsName(r.Info?.AsNumber), asName, StringComparison.Ordinal));
        }

        if (Flags.FirstOrDefault(f => f.Key == Flag) is { } flag)
        {
            shown = shown.Where(r => r.Info is { } info && flag.Value(info) == true);
        }

        if (Outcomes.FirstOrDefault(o => o.Key == Outcome) is { } outcome)
        {
            shown = shown.Where(r => outcome.Matches(r.Outcome));
        }

        if (Columns.FirstOrDefault(c => c.Key == Sort) is { } column)
        {
            var comparer = new SortKeyComparer(culture, Descending);
            shown = shown.OrderBy(column.SortKey, comparer);
        }

        return [.. shown];
    }

    /// <summary>The view sorted by <paramref name="column"/>: ascending, or the other way when it already is.</summary>
    public BulkView SortedBy(string column) => this with { Sort = column, Descending = Sort == column && !Descending };

    /// <summary>The view with one filter alone (the summary's links): the sort stays, other filters go.</summary>
    public BulkView Only(string? country = null, string? asName = null, string? flag = null, string? outcome = null) =>
        this with { Country = country, As = asName, Flag = flag, Outcome = outcome };

    public BulkView Unfiltered => Only();

    /// <summary>"ascending" or "descending" for the column this view is sorted by, else null (no aria-sort).</summary>
    public string? AriaSort(string column) => Sort == column ? (Descending ? "descending" : "ascending") : null;

    /// <summary>
    /// The query string of this view (without "?"): the sort, and with <paramref name="filters"/> every filter,
    /// empty for none, so that it overrides the filter form's fields it is sent with.
    /// </summary>
    public string Query(bool filters = true)
    {
        var query = new StringBuilder();
        void Add(string name, string? value)
        {
            query.Append(query.Length > 0 ? "&" : "").Append(name).Append('=').Append(Uri.EscapeDataString(value ?? ""));
        }

        if (Sort is not null)
        {
            Add(SortParameter, Sort);
            if (Descending)
            {
                Add(OrderParameter, "desc");
            }
        }

        if (filters)
        {
            Add(CountryParameter, Country);
            Add(AsParameter, As);
            Add(FlagParameter, Flag);
            Add(OutcomeParameter, Outcome);
        }

        return query.ToString();
    }

    /// <summary>Strings in the page's language (case aside), numbers as numbers; a missing value is last in both directions.</summary>
    private sealed class SortKeyComparer(CultureInfo culture, bool descending) : IComparer<object?>
    {
        public int Compare(object? x, object? y)
        {
            if (x is null || y is null)
            {
                return x is null ? (y is null ? 0 : 1) : -1;
            }

            var order = x is string a && y is string b
                ? culture.CompareInfo.Compare(a, b, CompareOptions.IgnoreCase)
                : Comparer<object>.Default.Compare(x, y);
            return descending ? -order : order;
        }
    }
}
