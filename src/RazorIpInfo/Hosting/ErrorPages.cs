using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.WebUtilities;

namespace RazorIpInfo.Hosting;

/// <summary>
/// How every error is answered, in the form the client wants (<see cref="ClientFormat"/>): ProblemDetails
/// for JSON clients, a line of text for curl and scripts, friendly pages (404, 429, 500) for browsers. No
/// stack trace leaves the server outside Development.
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
            // Without a path or handler the exception handler writes ProblemDetails.
            app.UseWhen(Wants(ResponseFormat.Json), json => json.UseExceptionHandler());
            app.UseWhen(Wants(ResponseFormat.Text), text => text.UseExceptionHandler(new ExceptionHandlerOptions
            {
                ExceptionHandler = context => WriteLineAsync(context.Response),
            }));
            app.UseWhen(Wants(ResponseFormat.Html), pages => pages.UseExceptionHandler("/Error"));
        }

        app.UseWhen(Wants(ResponseFormat.Json), json => json.UseStatusCodePages());
        app.UseWhen(Wants(ResponseFormat.Text), text => text.UseStatusCodePages(context => WriteLineAsync(context.HttpContext.Response)));
        app.UseWhen(Wants(ResponseFormat.Html), pages => pages.UseStatusCodePagesWithReExecute("/Error/{0}"));
        return app;
    }

    private static Func<HttpContext, bool> Wants(ResponseFormat format) => context => ClientFormat.Of(context) == format;

    /// <summary>"404 Not Found": what every plain-text answer is, one line a script can print.</summary>
    private static Task WriteLineAsync(HttpResponse response)
    {
        response.ContentType = "text/plain; charset=utf-8";
        return response.WriteAsync($"{response.StatusCode} {ReasonPhrases.GetReasonPhrase(response.StatusCode)}\n", response.HttpContext.RequestAborted);
    }
}
