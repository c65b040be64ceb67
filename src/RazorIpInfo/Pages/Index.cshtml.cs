using Htmx;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using RazorIpInfo.DualStack;
using RazorIpInfo.Lookup;
using RazorIpInfo.Lookup.HostNames;
using RazorIpInfo.Pages.Card;
using RazorIpInfo.Protection;
using RazorIpInfo.Resources;

namespace RazorIpInfo.Pages;

[EnableRateLimiting(RateLimits.Policy)]
public sealed class IndexModel(
    IpLookupService lookup, AddressQuery query, IStringLocalizer<SharedResource> text, IOptions<DualStackOptions> dualStack) : PageModel
{
    /// <summary>The address typed into the lookup form; empty means "my own address".</summary>
    [BindProperty(SupportsGet = true, Name = "ip")]
    public string? Ip { get; set; }

    /// <summary><c>refresh=1</c>: the visitor pressed Refresh, the same lookup again rather than a new one.</summary>
    [BindProperty(SupportsGet = true, Name = "refresh")]
    public int? RefreshFlag { get; set; }

    public bool Refresh => RefreshFlag is > 0;

    public IpCardModel Card { get; private set; } = null!;

    /// <summary>Both of the visitor's addresses under the card; null when the dual-stack hosts are not configured.</summary>
    public YourAddresses? Addresses { get; private set; }

    /// <summary>The window title, also sent with a lookup's fragment so that htmx updates it.</summary>
    public string Title => Card.Query is { } query ? $"{query} — RazorIpInfo" : text["Index.Title"];

    public bool InvalidAddress => Card.Result is LookupResult.Refused { Reason: RefusalReason.InvalidAddress };

    /// <summary>The address of the full page that shows this card, as a visitor would bookmark it.</summary>
    public string PageUrl => string.IsNullOrWhiteSpace(Ip) ? "/" : "/?ip=" + Uri.EscapeDataString(Card.Query ?? Ip.Trim());

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        Card = await LoadCardAsync(cancellationToken);
        Addresses = DualStackHosts.For(HttpContext, dualStack.Value);
        if (Addresses is not null)
        {
            Response.Headers.ContentSecurityPolicy = DualStackHosts.MainPagePolicy(dualStack.Value);
        }

        return InvalidAddress ? new PageResult { StatusCode = StatusCodes.Status400BadRequest }
            : Card.Host?.Outcome == HostNameOutcome.NotFound ? new PageResult { StatusCode = StatusCodes.Status404NotFound }
            : Page();
    }

    /// <summary>
    /// The card alone, for htmx to swap in place. Anything else asking for this URL (a history
    /// restore after htmx's cache missed, a bookmark, a browser without JavaScript) gets the whole page.
    /// </summary>
    public async Task<IActionResult> OnGetCardAsync(CancellationToken cancellationToken)
    {
        Response.Headers.Append(HeaderNames.Vary, "HX-Request, HX-History-Restore-Request");
        if (!Request.IsHtmx() || Request.IsHtmxHistoryRestoreRequest())
        {
            return await OnGetAsync(cancellationToken);
        }

        Card = await LoadCardAsync(cancellationToken);

        // A lookup is a new page: the address bar shows the full page's URL, so reload, bookmarks and
        // Back work. A refresh stays on the page it was pressed on.
        if (!Refresh)
        {
            Response.Htmx(headers => headers.PushUrl(PageUrl));
        }

        // Always 200: the card itself explains a bad address or an upstream failure, and htmx only
        // swaps successful responses. The full page keeps its 400 for a bad address.
        return Partial("Shared/_CardFragment", this);
    }

    private async Task<IpCardModel> LoadCardAsync(CancellationToken cancellationToken)
    {
        var language = UpstreamLanguage.Current;
        if (string.IsNullOrWhiteSpace(Ip))
        {
            var visitor = VisitorAddress.From(HttpContext);
            var result = await lookup.LookupVisitorAsync(visitor, language, Refresh, cancellationToken);
            return new IpCardModel(result, Query: null, VisitorOnLocalNetwork: visitor.IsOnLocalNetwork);
        }

        var answer = await query.LookupAsync(Ip, language, Refresh, cancellationToken);
        return new IpCardModel(answer.Result, answer.Query, Host: answer.Host);
    }
}
