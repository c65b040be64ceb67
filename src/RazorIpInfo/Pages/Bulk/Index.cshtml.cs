using System.Globalization;
using System.Text;
using Htmx;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using RazorIpInfo.Bulk;
using RazorIpInfo.Lookup;
using RazorIpInfo.Protection;
using RazorIpInfo.Resources;

namespace RazorIpInfo.Pages.Bulk;

/// <summary>
/// <c>/bulk</c>: paste addresses or a log excerpt (or choose a text file) and get a summary, a table and
/// downloads. The form posts, so it carries an antiforgery token, which Razor Pages checks on every POST
/// handler by default; the page is therefore never cached nor compressed (BREACH, see docs/performance.md).
/// </summary>
[RequestTimeout(RequestLimits.BulkDeadline)]
[RequestSizeLimit(MaxRequestBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = MaxRequestBytes, ValueLengthLimit = MaxRequestBytes)]
[TooLargeIs413(MaxRequestBytes)]
public sealed class BulkModel(
    IpLookupService lookup,
    ClientLookupLimiter limiter,
    IOptions<BulkOptions> options,
    TimeProvider time,
    IStringLocalizer<SharedResource> text) : PageModel
{
    /// <summary>
    /// The pasted text and the file may each be as large as Bulk:MaxInputBytes (1 MB); this bounds the request
    /// that carries both before any of it is read, and the handler checks each part against the option.
    /// </summary>
    public const int MaxRequestBytes = 2 * 1024 * 1024 + 64 * 1024;

    [BindProperty(Name = "text")]
    public string? Text { get; set; }

    [BindProperty(Name = "file")]
    public IFormFile? Upload { get; set; }

    /// <summary>The entries of the result, one per line: what the download buttons send back.</summary>
    [BindProperty(Name = "entries")]
    public string? Entries { get; set; }

    [BindProperty(Name = "format")]
    public string? Format { get; set; }

    public BulkResult? Result { get; private set; }

    /// <summary>How the table is sorted and filtered (the query string of its controls); the whole result unsorted by default.</summary>
    public BulkView View { get; private set; } = new();

    /// <summary>The rows the table shows: the result's, filtered and sorted as <see cref="View"/> says.</summary>
    public IReadOnlyList<BulkRow> ShownRows => Result is null ? [] : shownRows ??= View.Apply(Result.Rows, CultureInfo.CurrentCulture);

    private IReadOnlyList<BulkRow>? shownRows;

    /// <summary>A sentence saying why there is no result.</summary>
    public string? Error { get; private set; }

    public int MaxAddresses => options.Value.MaxAddresses;

    public string Title => text["Bulk.Title"];

    // The empty form carries the token too.
    public void OnGet() => CarriesToken();

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        CarriesToken();
        var input = await ReadInputAsync(cancellationToken);
        var client = RateLimits.ClientKey(HttpContext);
        var status = input is null
            ? StatusCodes.Status413PayloadTooLarge
            : await LookUpAsync(input, wanted => limiter.TakeUpTo(client, wanted), cancellationToken);

        // htmx swaps only 2xx answers, so its fragment is always 200 and says itself what went wrong; the
        // full page keeps the status for a browser without JavaScript and for scripts.
        if (Request.IsHtmx() && !Request.IsHtmxHistoryRestoreRequest())
        {
            return Partial("_BulkResult", this);
        }

        return new PageResult { StatusCode = status };
    }

    /// <summary>
    /// The same result as a file: the entries come back from the result's own form, and the cache and the offline
    /// database answer them as they did the first time (<see cref="LookUpAgainAsync"/>).
    /// </summary>
    public async Task<IActionResult> OnPostDownloadAsync(CancellationToken cancellationToken)
    {
        CarriesToken();
        var status = await LookUpAgainAsync(cancellationToken);
        if (Result is null)
        {
            return new PageResult { StatusCode = status };
        }

        var now = time.GetUtcNow();
        return string.Equals(Format, "json", StringComparison.Ordinal)
            ? File(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(BulkExport.Items(Result), JsonOptions),
                "application/json; charset=utf-8", BulkExport.FileName(now, "json"))
            : File(BulkExport.Csv(Result), BulkExport.CsvContentType, BulkExport.FileName(now, "csv"));
    }

    /// <summary>
    /// The same result sorted or filtered: the table's controls send the result's own form back, as the downloads
    /// do, with the view in their query string. With htmx only the table region comes back (always 200, as for a
    /// lookup); without JavaScript the whole page, the list still in its field.
    /// </summary>
    public async Task<IActionResult> OnPostViewAsync(CancellationToken cancellationToken)
    {
        CarriesToken();
        View = BulkView.Parse(Request.Query, await Request.ReadFormAsync(cancellationToken));
        var status = await LookUpAgainAsync(cancellationToken);
        Text = Entries;
        if (Request.IsHtmx() && !Request.IsHtmxHistoryRestoreRequest())
        {
            return Result is null ? Partial("_BulkResult", this) : Partial("_BulkTable", this);
        }

        return new PageResult { StatusCode = status };
    }

    /// <summary>
    /// Answers the entries a result's form sent back without going upstream: the cache and the offline database
    /// answer them as they did the first time, so neither a download nor a sorted table spends a lookup (the
    /// visitor paid for this result once) nor does it need the result kept anywhere on the server.
    /// </summary>
    private async Task<int> LookUpAgainAsync(CancellationToken cancellationToken)
    {
        if (Entries is not null && Encoding.UTF8.GetByteCount(Entries) > options.Value.MaxInputBytes)
        {
            Error = text["Bulk.Error.TooLarge"];
            return StatusCodes.Status413PayloadTooLarge;
        }

        // No entries at all (a form without its list) is an empty list, and says so.
        return await LookUpAsync(Entries ?? "", UpstreamGrant.None, cancellationToken);
    }

    private static readonly System.Text.Json.JsonSerializerOptions JsonOptions = new(System.Text.Json.JsonSerializerDefaults.Web);

    /// <summary>The pasted text and the file's text together, or null (with <see cref="Error"/>) when either is too large.</summary>
    private async Task<string?> ReadInputAsync(CancellationToken cancellationToken)
    {
        // The limit is in bytes, as documented: a string's Length counts UTF-16 units, so 1 MB of "é" would be 2 MB.
        var max = options.Value.MaxInputBytes;
        if ((Text is null ? 0 : Encoding.UTF8.GetByteCount(Text)) > max || Upload?.Length > max)
        {
            Error = text["Bulk.Error.TooLarge"];
            return null;
        }

        if (Upload is not { Length: > 0 })
        {
            return Text ?? "";
        }

        // Invalid UTF-8 becomes U+FFFD, which separates like any other character that is not part of an address.
        using var reader = new StreamReader(Upload.OpenReadStream(), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return (Text ?? "") + "\n" + await reader.ReadToEndAsync(cancellationToken);
    }

    private async Task<int> LookUpAsync(string input, UpstreamAllowance upstreamAllowance, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        var entries = BulkInput.Extract(input, limits.MaxAddresses);
        if (entries.Count > limits.MaxAddresses)
        {
            Error = text["Bulk.Error.TooMany", limits.MaxAddresses.ToString("N0", CultureInfo.CurrentCulture)];
            return StatusCodes.Status413PayloadTooLarge;
        }

        if (entries.Count == 0)
        {
            Error = text["Bulk.Error.Empty"];
            return StatusCodes.Status400BadRequest;
        }

        // The client's allowance bounds what goes upstream; the other providers answer the rest (issue 29).
        Result = await BulkResult.LookupAsync(lookup, entries, UpstreamLanguage.Current, upstreamAllowance, cancellationToken);
        Entries = string.Join('\n', entries.Select(e => e.Text));
        Result.SayWhenToRetry(Response);
        return StatusCodes.Status200OK;
    }

    /// <summary>
    /// This response holds an antiforgery token next to text the visitor chose (their list, echoed in the
    /// table), so it must be neither cached nor compressed (BREACH). The antiforgery system would set these
    /// headers itself while rendering the token, with a warning on every request that they were overridden;
    /// set first, there is nothing to override, and <c>no-store</c> is what keeps compression off (see Compression).
    /// </summary>
    private void CarriesToken()
    {
        Response.Headers.CacheControl = "no-cache, no-store";
        Response.Headers.Pragma = "no-cache";
    }
}
