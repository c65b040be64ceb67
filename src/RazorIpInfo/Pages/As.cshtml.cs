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

    /// <summary>The network data is not (all) loaded and names no such AS, so the page can only say that.</summary>
    public bool DataMissing { get; private set; }

    public string Name => string.Create(CultureInfo.InvariantCulture, $"AS{Summary.Number}");

    public string PageUrl(int page) => page == 1 ? "/" + Name : $"/{Name}?page={page}";

    public IActionResult OnGet(string number, [FromQuery(Name = "page")] int? page)
    {
        if (!AsPaging.TryParseNumber(number, out var asNumber))
        {
            return NotFound();
        }

        var summary = networks.DescribeAs(asNumber);

        // Without the data this is not "page not found" but a server not yet set up: it says so, and how to fix it.
        if (summary is null && networks.Unloaded.Count > 0)
        {
            DataMissing = true;
            return new PageResult { StatusCode = StatusCodes.Status503ServiceUnavailable };
        }

        // Unknown, malformed and past-the-end all get the friendly 404 page: there is nothing at that address.
        if (summary is null || AsPaging.Page(summary, page ?? 1) is not { } prefixes)
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
