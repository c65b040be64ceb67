using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using RazorIpInfo.DualStack;
using RazorIpInfo.Lookup;

namespace RazorIpInfo.Pages;

/// <summary>
/// The visitor's address as one family host sees it, for the main page to embed: reachable only over
/// that family, so a browser without it shows the embedding's fallback instead. Routed only on the
/// family hosts (<see cref="DualStackHosts.AddDualStack"/>).
/// </summary>
public sealed class FamilyModel(IOptions<DualStackOptions> dualStack) : PageModel
{
    public string? Address { get; private set; }

    public string Family { get; private set; } = "";

    /// <summary>The address's card on the main site, opened in the whole window rather than the embedding.</summary>
    public string? CardUrl { get; private set; }

    public void OnGet()
    {
        var options = dualStack.Value;
        Response.Headers.ContentSecurityPolicy = DualStackHosts.FamilyPagePolicy(options);
        Family = DualStackHosts.Name(options.FamilyServedBy(Request.Host) ?? System.Net.Sockets.AddressFamily.InterNetwork);
        if (VisitorAddress.From(HttpContext).Address is { } address)
        {
            Address = address.ToString();
            CardUrl = $"//{options.SiteHost}/?ip={Uri.EscapeDataString(Address)}";
        }
    }
}
