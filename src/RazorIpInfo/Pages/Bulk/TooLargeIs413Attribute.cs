using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.Core.Infrastructure;

namespace RazorIpInfo.Pages.Bulk;

/// <summary>
/// The antiforgery check reads the form before any handler runs, and a form over the request's size limit
/// fails that read, which the framework reports as a bad token (400). A request that said it was too large
/// is answered as what it is, 413, so that the status pages explain it.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class TooLargeIs413Attribute(long maxRequestBytes) : Attribute, IAlwaysRunResultFilter
{
    public void OnResultExecuting(ResultExecutingContext context)
    {
        if (context.Result is IAntiforgeryValidationFailedResult && context.HttpContext.Request.ContentLength > maxRequestBytes)
        {
            context.Result = new StatusCodeResult(StatusCodes.Status413PayloadTooLarge);
        }
    }

    public void OnResultExecuted(ResultExecutedContext context)
    {
    }
}
