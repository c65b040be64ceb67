namespace RazorIpInfo.Hosting;

/// <summary>
/// How every error is answered, in the form the client wants (<see cref="ClientFormat"/>): ProblemDetails
/// for JSON clients, friendly pages (404, 429, 500) for everyone else. No stack trace leaves the server
/// outside Development.
/// </summary>
public static class ErrorPages
{
    /// <summary>ProblemDetails for the whole app: the exception handler, the status-code pages and the API's own failures.</summary>
    public static IHostApplicationBuilder AddErrorPages(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();
        return builder;
    }

    public static IApplicationBuilder UseErrorPages(this IApplicationBuilder app)
    {
        var environment = app.ApplicationServices.GetRequiredService<IWebHostEnvironment>();
        if (environment.IsDevelopment())
        {
            app.UseDeveloperExceptionPage();
        }
        else
        {
            // Without a path the handler writes ProblemDetails.
            app.UseWhen(WantsJson, json => json.UseExceptionHandler());
            app.UseWhen(WantsPage, pages => pages.UseExceptionHandler("/Error"));
        }

        app.UseWhen(WantsJson, json => json.UseStatusCodePages());
        app.UseWhen(WantsPage, pages => pages.UseStatusCodePagesWithReExecute("/Error/{0}"));
        return app;
    }

    // A command-line client outside the API gets the page too: the text endpoints write their own failures,
    // and what is left (an unknown path, a crash) reads well enough as the page's text.
    private static bool WantsJson(HttpContext context) => ClientFormat.Of(context) == ResponseFormat.Json;

    private static bool WantsPage(HttpContext context) => !WantsJson(context);
}
