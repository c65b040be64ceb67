using System.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Net.Http.Headers;

namespace RazorIpInfo.Pages;

/// <summary>The friendly page for a status code (re-executed by the status-code pages) or an unhandled exception.</summary>
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
[IgnoreAntiforgeryToken]
public sealed class ErrorModel : PageModel
{
    public string? RequestId { get; private set; }

    public bool ShowRequestId => !string.IsNullOrEmpty(RequestId);

    public string Title { get; private set; } = "Something went wrong";

    public string Explanation { get; private set; } = "The page could not be shown. Please try again in a moment.";

    public void OnGet(int? statusCode)
    {
        var status = statusCode ?? StatusCodes.Status500InternalServerError;
        (Title, Explanation) = status switch
        {
            StatusCodes.Status404NotFound => ("Page not found", "There is nothing at this address. The start page shows your IP information."),
            StatusCodes.Status429TooManyRequests => ("Too many requests", RetryAfterText()),
            StatusCodes.Status400BadRequest => ("Bad request", "The request could not be understood."),
            _ => (Title, Explanation),
        };
        if (status >= 500)
        {
            RequestId = Activity.Current?.Id ?? HttpContext.TraceIdentifier;
        }
    }

    private string RetryAfterText() =>
        Response.Headers[HeaderNames.RetryAfter] is [{ } seconds]
            ? $"You have looked up many addresses in a short time. Please wait {seconds} seconds and try again."
            : "You have looked up many addresses in a short time. Please wait a minute and try again.";
}
