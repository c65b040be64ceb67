using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using RazorIpInfo.Lookup;
using RazorIpInfo.Pages.Card;

namespace RazorIpInfo.Pages;

public sealed class IndexModel(IpLookupService lookup) : PageModel
{
    /// <summary>The address typed into the lookup form; empty means "my own address".</summary>
    [BindProperty(SupportsGet = true, Name = "ip")]
    public string? Ip { get; set; }

    /// <summary>"1" when the card's Refresh button was used: ask for a newer answer than the cached one.</summary>
    [BindProperty(SupportsGet = true, Name = "refresh")]
    public string? Refresh { get; set; }

    public IpCardModel Card { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        Card = await LoadCardAsync(cancellationToken);
        return Card.Result is LookupResult.Refused { Reason: RefusalReason.InvalidAddress }
            ? new PageResult { StatusCode = StatusCodes.Status400BadRequest }
            : Page();
    }

    private async Task<IpCardModel> LoadCardAsync(CancellationToken cancellationToken)
    {
        var language = UpstreamLanguage.Current;
        var refresh = Refresh == "1";
        if (string.IsNullOrWhiteSpace(Ip))
        {
            var visitor = VisitorAddress.From(HttpContext);
            var result = await lookup.LookupVisitorAsync(visitor, language, refresh, cancellationToken);
            return new IpCardModel(result, Query: null, VisitorOnLocalNetwork: visitor.IsOnLocalNetwork);
        }

        if (!AddressInput.TryParse(Ip, out var address))
        {
            return new IpCardModel(new LookupResult.Refused(RefusalReason.InvalidAddress), Query: null);
        }

        return new IpCardModel(await lookup.LookupAsync(address, language, refresh, cancellationToken), Query: address.ToString());
    }
}
