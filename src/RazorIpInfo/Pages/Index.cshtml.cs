using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using RazorIpInfo.Lookup;
using RazorIpInfo.Pages.Card;
using RazorIpInfo.Protection;

namespace RazorIpInfo.Pages;

[EnableRateLimiting(RateLimits.Policy)]
public sealed class IndexModel(IpLookupService lookup) : PageModel
{
    /// <summary>The address typed into the lookup form; empty means "my own address".</summary>
    [BindProperty(SupportsGet = true, Name = "ip")]
    public string? Ip { get; set; }

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
        if (string.IsNullOrWhiteSpace(Ip))
        {
            var visitor = VisitorAddress.From(HttpContext);
            var result = await lookup.LookupVisitorAsync(visitor, language, cancellationToken);
            return new IpCardModel(result, Query: null, VisitorOnLocalNetwork: visitor.IsOnLocalNetwork);
        }

        if (!AddressInput.TryParse(Ip, out var address))
        {
            return new IpCardModel(new LookupResult.Refused(RefusalReason.InvalidAddress), Query: null);
        }

        return new IpCardModel(await lookup.LookupAsync(address, language, cancellationToken), Query: address.ToString());
    }
}
