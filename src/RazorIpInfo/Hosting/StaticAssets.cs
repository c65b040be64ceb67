namespace RazorIpInfo.Hosting;

public static class StaticAssets
{
    /// <summary>
    /// Serves wwwroot from the build output in every environment, not only Development, so that a
    /// Production-configured <c>dotnet run</c> and the tests see the same compressed, fingerprinted assets
    /// as a published app. It does nothing in published output.
    /// </summary>
    /// <remarks>
    /// MapStaticAssets treats a build-output manifest as a developer's and strips its caching headers,
    /// leaving <c>no-cache</c> on fingerprinted files too. Outside Development the manifest's own headers
    /// are kept, as a published app's are: a changed file gets a new fingerprint, so a year is safe.
    /// </remarks>
    public static WebApplicationBuilder ServeStaticAssetsAsPublished(this WebApplicationBuilder builder)
    {
        builder.WebHost.UseStaticWebAssets();
        if (!builder.Environment.IsDevelopment())
        {
            builder.Configuration["EnableStaticAssetsDevelopmentCaching"] ??= "true";
        }

        return builder;
    }
}
