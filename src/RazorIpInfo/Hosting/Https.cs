namespace RazorIpInfo.Hosting;

public static class Https
{
    /// <summary>
    /// HSTS and a redirect to HTTPS, outside Development only: a developer's plain-HTTP <c>dotnet run</c>
    /// must not teach the browser to insist on HTTPS for localhost.
    /// </summary>
    public static IApplicationBuilder UseHttpsOutsideDevelopment(this IApplicationBuilder app)
    {
        if (!app.ApplicationServices.GetRequiredService<IWebHostEnvironment>().IsDevelopment())
        {
            app.UseHsts();
            app.UseHttpsRedirection();
        }

        return app;
    }
}
