using RazorIpInfo.Bulk;
using RazorIpInfo.Personalisation;

namespace RazorIpInfo.Pages.Bulk;

/// <summary>Where the table's sort and filter controls send the result's form: <c>?handler=View</c> with the view, in the chosen language.</summary>
public static class BulkViewUrls
{
    /// <param name="filters">False for the filter form's own button, whose fields say the filters.</param>
    public static string For(BulkView view, HttpContext context, bool filters = true)
    {
        var query = view.Query(filters);
        return Languages.WithChosenCulture("/bulk?handler=View" + (query.Length > 0 ? "&" + query : ""), context);
    }
}
