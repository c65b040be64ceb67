namespace RazorIpInfo.Protection;

/// <summary>
/// Friendly pages for errors a person meets (404, 429, 500) and ProblemDetails for scripts under /api.
/// No stack trace leaves the server outside Development.
/// </summary>
public static class ErrorPages
{
    public static IApplicationBuilder UseErrorPages(this IApplicationBuilder app)
    {
        var environment = app.ApplicationServices.GetRequiredService<IWebHostEnvironment>();
        if (environment.IsDevelopment())
        {
            app.UseDeveloperExceptionPage();
        }
        else
        {
            // Without a path the handler writes ProblemDetails (registered by the API feature).
            app.UseWhen(IsApi, api => api.UseExceptionHandler());
            app.UseWhen(IsPage, pages => pages.UseExceptionHandler("/Error"));
        }

        app.UseWhen(IsApi, api => api.UseStatusCodePages());
        app.UseWhen(IsPage, pages => pages.UseStatusCodePagesWithReExecute("/Error/{0}"));
        return app;
    }

    private static bool IsApi(HttpContext context) => context.Request.Path.StartsWithSegments("/api");

    private static bool IsPage(HttpContext context) => !IsApi(context);
}
