namespace RazorIpInfo.Pages;

public static class PageServices
{
    /// <summary>
    /// Razor Pages, each answering only the methods it has handlers for, with IHtmlLocalizer for the few strings
    /// that carry markup (a link, a &lt;time&gt; element).
    /// </summary>
    public static IHostApplicationBuilder AddPages(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRazorPages(options => options.Conventions.Add(new HandledMethodsOnly())).AddViewLocalization();
        return builder;
    }
}
