using Htmx;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using RazorIpInfo.DualStack;
using RazorIpInfo.Lookup;
using RazorIpInfo.Lookup.HostNames;
using RazorIpInfo.Lookup.Networks;
using RazorIpInfo.Personalisation;
using RazorIpInfo.Pages.Card;
using RazorIpInfo.Resources;

namespace RazorIpInfo.Pages;

public sealed class IndexModel(
    IpLookupService lookup, AddressQuery query, IStringLocalizer<SharedResource> text, IOptions<DualStackOptions> dualStack,
    NetworkDatabase networks) : PageModel
{
    /// <summary>The address typed into the lookup form; empty means "my own address".</summary>
    [BindProperty(SupportsGet = true, Name = "ip")]
    public string? Ip { get; set; }

    /// <summary><c>refresh=1</c>: the visitor pressed Refresh, the same lookup again rather than a new one.</summary>
    [BindProperty(SupportsGet = true, Name = "refresh")]
    public int? RefreshFlag { get; set; }

    public bool Refresh => RefreshFlag is > 0;

    public IpCardModel Card { get; private set; } = null!;

    /// <summary>A network typed in place of an address (8.8.8.0/24): shown instead of an address card, with no lookup.</summary>
    public NetworkReport? Network { get; private set; }

    /// <summary>The query had a slash but was not a network: the card says how to write one, not how to write an address.</summary>
    public bool InvalidNetwork { get; private set; }

    /// <summary>The lookup still running when the page starts to render; the card section awaits it.</summary>
    private Task<IpCardModel>? pendingCard;

    /// <summary>The normalised query (an address as typed, or a host name), known before any lookup; null for "my own address".</summary>
    private string? normalisedQuery;

    /// <summary>Whether the layout should send the head before the card: the lookup is still running, so the
    /// browser can fetch the stylesheet and scripts while the server waits for the upstream.</summary>
    public bool CardIsPending => pendingCard is { IsCompleted: false };

    /// <summary>Both of the visitor's addresses under the card; null when the dual-stack hosts are not configured.</summary>
    public YourAddresses? Addresses { get; private set; }

    /// <summary>The window title, also sent with a lookup's fragment so that htmx updates it.</summary>
    public string Title => normalisedQuery is { } shown ? $"{shown} — RazorIpInfo" : text["Index.Title"];

    /// <summary>The line under the heading: about the visitor's own address only where the card is theirs.</summary>
    public string Lede => string.IsNullOrWhiteSpace(Ip) ? text["Index.Lede"] : text["Index.LookupLede"];

    public bool InvalidAddress => Network is null && Card.Result is LookupResult.Refused { Reason: RefusalReason.InvalidAddress };

    /// <summary>The address of the full page that shows this card, as a visitor would bookmark it (in the language it was asked in).</summary>
    public string PageUrl
    {
        get
        {
            var query = string.IsNullOrWhiteSpace(Ip) ? "" : "ip=" + Uri.EscapeDataString(normalisedQuery ?? Ip.Trim());
            if (Languages.ChosenInQuery(HttpContext) is { } culture)
            {
                query += (query.Length > 0 ? "&" : "") + Languages.CultureParameter + "=" + culture;
            }

            return query.Length > 0 ? "/?" + query : "/";
        }
    }

    /// <summary>
    /// What to say beside the field: a malformed address, or (for an htmx lookup, which then keeps the card
    /// on screen) an unknown host name or a spent allowance.
    /// </summary>
    public string? FieldError { get; private set; }

    public LookupField Field(bool outOfBand) => new(Ip, FieldError, outOfBand);

    /// <summary>The status line's text when a card arrives: short, unlike the card it stands for.</summary>
    public string StatusLine => Network is { } network ? network.Prefix : Card.Result switch
    {
        LookupResult.Found { Info: var info } => CardFormat.StatusLine(info),
        LookupResult.Refused => Card.Query ?? "",
        _ => "",
    };

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        // Both addresses and the policy that lets the page embed the family hosts: headers, so before anything is sent.
        Addresses = DualStackHosts.For(HttpContext, dualStack.Value);
        if (Addresses is not null)
        {
            Response.Headers.ContentSecurityPolicy = DualStackHosts.MainPagePolicy(dualStack.Value);
        }

        if (ReadNetwork() is { } answer)
        {
            return answer;
        }

        var loading = LoadCardAsync(cancellationToken);

        // Whatever ip-api.com says about the visitor's own address or a well-formed one, the page is a 200
        // (the card explains a failure): the status is known, so the head need not wait for the upstream.
        // A host name is resolved first because "no such host" is a 404, and a malformed query is a 400.
        if (!loading.IsCompleted && (string.IsNullOrWhiteSpace(Ip) || AddressInput.TryParse(Ip, out _)))
        {
            pendingCard = loading;
            return Page();
        }

        Card = await loading;
        FieldError = InvalidAddress ? text["Index.InvalidAddress"].Value : null;
        return InvalidAddress ? new PageResult { StatusCode = StatusCodes.Status400BadRequest }
            : Card.Host?.Outcome == HostNameOutcome.NotFound ? new PageResult { StatusCode = StatusCodes.Status404NotFound }
            : Page();
    }

    /// <summary>Waits for the lookup the page started (the layout has sent the head by then).</summary>
    public async Task CompleteCardAsync()
    {
        if (pendingCard is { } pending)
        {
            Card = await pending;
            pendingCard = null;
        }
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

        if (ReadNetwork() is not null)
        {
            // A network card needs no lookup; a malformed network keeps the card on screen like any typo.
            FieldError = Network is null ? text["Network.Invalid"].Value : null;
        }
        else
        {
            Card = await LoadCardAsync(cancellationToken);
        }

        FieldError ??= Network is not null || Refresh ? null : Card switch
        {
            { Result: LookupResult.Refused { Reason: RefusalReason.InvalidAddress } } => text["Index.InvalidAddress"].Value,
            { Host: { Outcome: HostNameOutcome.NotFound } host } => text["Card.HostName.NotFound.Text", host.Name].Value,
            { Result: LookupResult.QuotaExhausted { RetryAfter: var retryAfter } } => text["Card.Quota.Text", Math.Ceiling(retryAfter.TotalSeconds)].Value,
            _ => null,
        };

        if (FieldError is not null)
        {
            // The visitor's card stays where it is and the error goes beside the field: nothing is pushed to history.
            Response.Headers["HX-Reswap"] = "none";
        }
        else if (!Refresh)
        {
            // A lookup is a new page: the address bar shows the full page's URL, so reload, bookmarks and
            // Back work. A refresh stays on the page it was pressed on.
            Response.Htmx(headers => headers.PushUrl(PageUrl));
        }

        // Always 200: the card itself explains a bad address or an upstream failure, and htmx only
        // swaps successful responses. The full page keeps its 400 for a bad address.
        return Partial("Shared/_CardFragment", this);
    }

    /// <summary>
    /// Text with a slash is a network or nothing: a network is described at once (arithmetic and the offline data),
    /// a malformed one is a 400 with the form to write. Null for an address, a name or the visitor's own.
    /// </summary>
    private PageResult? ReadNetwork()
    {
        switch (NetworkReport.Read(Ip, networks, out var report))
        {
            case NetworkInputKind.Network:
                Network = report;
                normalisedQuery = report!.Prefix;
                return Page();
            case NetworkInputKind.Malformed:
                InvalidNetwork = true;
                Card = new IpCardModel(new LookupResult.Refused(RefusalReason.InvalidAddress), Query: null);
                FieldError = text["Network.Invalid"].Value;
                return new PageResult { StatusCode = StatusCodes.Status400BadRequest };
            default:
                return null;
        }
    }

    private async Task<IpCardModel> LoadCardAsync(CancellationToken cancellationToken)
    {
        var language = UpstreamLanguage.Current;
        normalisedQuery = string.IsNullOrWhiteSpace(Ip) ? null
            : AddressInput.TryParse(Ip, out var address) ? address.ToString()
            : HostNameInput.TryNormalise(Ip, out var name) ? name
            : null;
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
