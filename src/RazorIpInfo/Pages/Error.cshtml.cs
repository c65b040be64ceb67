using System.Diagnostics;
using Htmx;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using RazorIpInfo.Resources;
using Microsoft.Net.Http.Headers;

namespace RazorIpInfo.Pages;

/// <summary>The friendly page for a status code (re-executed by the status-code pages) or an unhandled exception.</summary>
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
[IgnoreAntiforgeryToken]
// It renders the 429 of the request it was re-executed for, so it must not be limited itself: a second
// refusal would leave that request with an empty page.
[Microsoft.AspNetCore.RateLimiting.DisableRateLimiting]
public sealed class ErrorModel(IStringLocalizer<SharedResource> text) : PageModel
{
    public string? RequestId { get; private set; }

    public bool ShowRequestId => !string.IsNullOrEmpty(RequestId);

    public string Title { get; private set; } = text["Error.Default.Title"];

    public string Explanation { get; private set; } = text["Error.Default.Text"];

    public IActionResult OnGet(int? statusCode)
    {
        // The exception handler gives no status in the path but has set it: a body over the size limit is a 413.
        var status = statusCode ?? (Response.StatusCode >= 400 ? Response.StatusCode : StatusCodes.Status500InternalServerError);
        (Title, Explanation) = status switch
        {
            StatusCodes.Status404NotFound => (text["Error.NotFound.Title"], text["Error.NotFound.Text"]),
            StatusCodes.Status429TooManyRequests => (text["Error.TooManyRequests.Title"], RetryAfterText()),
            StatusCodes.Status400BadRequest => (text["Error.BadRequest.Title"], text["Error.BadRequest.Text"]),
            StatusCodes.Status413PayloadTooLarge => (text["Error.TooLarge.Title"], text["Error.TooLarge.Text"]),
            _ => (Title, Explanation),
        };
        if (status >= 500)
        {
            RequestId = Activity.Current?.Id ?? HttpContext.TraceIdentifier;
        }

        // htmx asked for a lookup and was turned away: the visitor's card stays, and the reason goes beside the field.
        // (A re-executed request's own query string is empty; the original one is kept on the feature.)
        var query = QueryHelpers.ParseQuery(HttpContext.Features.Get<IStatusCodeReExecuteFeature>()?.OriginalQueryString);
        if (Request.IsHtmx() && query.TryGetValue("ip", out var ip) && !query.ContainsKey("refresh") && status < 500)
        {
            Response.Headers["HX-Reswap"] = "none";
            return Partial("Shared/_LookupField", new LookupField(ip.ToString(), Explanation, OutOfBand: true));
        }

        // htmx asked for a card (Refresh): the error takes the card's place instead of a whole page.
        return Request.IsHtmx() ? Partial("Shared/_ErrorCard", this) : Page();
    }

    /// <summary>A failed form post (the bulk page's) is re-executed as a POST; its body, which may be what failed, is not read.</summary>
    public IActionResult OnPost([FromRoute] int? statusCode) => OnGet(statusCode);

    private string RetryAfterText() =>
        Response.Headers[HeaderNames.RetryAfter] is [{ } seconds]
            ? text["Error.TooManyRequests.Wait", seconds]
            : text["Error.TooManyRequests.WaitMinute"];
}
