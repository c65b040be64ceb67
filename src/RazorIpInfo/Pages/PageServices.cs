namespace RazorIpInfo.Pages;

public static class PageServices
{
    /// <summary>Razor Pages, with IHtmlLocalizer for the few strings that carry markup (a link, a &lt;time&gt; element).</summary>
    public static IHostApplicationBuilder AddPages(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRazorPages().AddViewLocalization();
        return builder;
    }
}
