using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using RazorIpInfo.Lookup.Networks;

namespace RazorIpInfo.Pages;

/// <summary>/AS15169: what the offline network data says about one autonomous system.</summary>
public sealed class AsModel(NetworkDatabase networks) : PageModel
{
    public AsSummary Summary { get; private set; } = null!;

    public IReadOnlyList<AsPrefix> Prefixes { get; private set; } = [];

    public int PageNumber { get; private set; }

    public int PageCount { get; private set; }

    public string Name => string.Create(CultureInfo.InvariantCulture, $"AS{Summary.Number}");

    public string PageUrl(int page) => page == 1 ? "/" + Name : $"/{Name}?page={page}";

    public IActionResult OnGet(string number, [FromQuery(Name = "page")] int? page)
    {
        // Unknown, malformed and past-the-end all get the friendly 404 page: there is nothing at that address.
        if (!AsPaging.TryParseNumber(number, out var asNumber) || networks.DescribeAs(asNumber) is not { } summary ||
            AsPaging.Page(summary, page ?? 1) is not { } prefixes)
        {
            return NotFound();
        }

        Summary = summary;
        Prefixes = prefixes;
        PageNumber = page ?? 1;
        PageCount = AsPaging.PageCount(summary);
        return Page();
    }
}
