using Microsoft.AspNetCore.Authorization;

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

    /// <summary>
    /// Authentication and authorization only for an endpoint that asks for them (none does today: the site has
    /// no sign-in). Razor Pages registers both services, and WebApplication then puts both middlewares in front
    /// of every request, before the trusted proxies even, unless the app placed them itself, which it records
    /// under these two keys of the builder's properties (the framework's own, set by UseAuthentication and
    /// UseAuthorization). A branch does not record them on the app, hence the keys here. After routing, where
    /// an endpoint's [Authorize] is known, so that one added later is enforced, not skipped.
    /// </summary>
    public static IApplicationBuilder UseAuthorizationWhereRequired(this IApplicationBuilder app)
    {
        app.UseWhen(
            context => context.GetEndpoint()?.Metadata.GetMetadata<IAuthorizeData>() is not null,
            secured => secured.UseAuthentication().UseAuthorization());
        app.Properties[AuthenticationMiddlewareSetKey] = true;
        app.Properties[AuthorizationMiddlewareSetKey] = true;
        return app;
    }

    private const string AuthenticationMiddlewareSetKey = "__AuthenticationMiddlewareSet";

    private const string AuthorizationMiddlewareSetKey = "__AuthorizationMiddlewareSet";
}
