using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using RazorIpInfo.Hosting;
using RazorIpInfo.Lookup;
using RazorIpInfo.Protection;

namespace RazorIpInfo.DualStack;

/// <summary>
/// Both of a visitor's addresses: the page shows the one the visitor reached us with, and embeds
/// <c>/family</c> from the other family's host, which a browser can only reach over that family.
/// </summary>
public static partial class DualStackHosts
{
    /// <summary>The page each family host serves for the main page to embed.</summary>
    public const string FamilyPage = "/Family";

    public static IHostApplicationBuilder AddDualStack(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSectionOptions<DualStackOptions>(DualStackOptions.Section);

        // /family exists only on the two family hosts (the framework's host matching), and not at all
        // while the feature is off, so the main host answers it with its usual 404. Post-configured:
        // Razor Pages' own set-up replaces the convention collection, whenever it is registered.
        // The routes are built while the pipeline is, before the start-up check: the settings are read
        // here unvalidated, so that a mistake in them is still explained by that check in one line.
        builder.Services.AddOptions<RazorPagesOptions>()
            .PostConfigure<IConfiguration>((pages, configuration) =>
            {
                var options = configuration.GetSection(DualStackOptions.Section).Get<DualStackOptions>() ?? new DualStackOptions();
                pages.Conventions.AddPageRouteModelConvention(FamilyPage, model =>
                {
                    if (!options.Enabled)
                    {
                        model.Selectors.Clear();
                    }
                });
                pages.Conventions.AddPageApplicationModelConvention(FamilyPage, model =>
                {
                    if (options.Enabled)
                    {
                        model.EndpointMetadata.Add(new HostAttribute(options.Ipv4Host!, options.Ipv6Host!));
                    }
                });
            });
        return builder;
    }

    /// <summary>
    /// A family host reached over the other family means a proxy routes it wrongly: its answer would
    /// show an address of the wrong family, so it gets <c>421 Misdirected Request</c> instead. The family
    /// is the client's after the trusted-proxy logic, never one a header from anyone else could choose.
    /// </summary>
    public static IApplicationBuilder UseDualStack(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DualStackHosts));
        return app.Use(async (context, next) =>
        {
            // Read per request, not while the pipeline is built: a bad setting must reach the start-up
            // check that explains it in one line, not stop the build with a stack trace.
            var options = context.RequestServices.GetRequiredService<IOptions<DualStackOptions>>().Value;
            if (options.FamilyServedBy(context.Request.Host) is not { } served ||
                context.Connection.RemoteIpAddress is not { } client ||
                FamilyOf(client) == served)
            {
                await next(context);
                return;
            }

            var host = options.HostFor(served)!;
            LogMisdirected(logger, host);
            await WriteMisdirectedAsync(context, host, served);
        });
    }

    /// <summary>
    /// The main page's policy with the two family hosts, and only they, allowed as embedded objects. Both
    /// directives: Chromium checks an &lt;object&gt;'s fetch against object-src and the document it then
    /// holds, a nested browsing context, against frame-src.
    /// </summary>
    public static string MainPagePolicy(DualStackOptions options) =>
        $"{SecurityHeaders.ContentSecurityPolicy}; object-src {options.Ipv4Host} {options.Ipv6Host}; frame-src {options.Ipv4Host} {options.Ipv6Host}";

    /// <summary>
    /// <c>/family</c> loads nothing but the stylesheet, and only the site's own hosts may embed it: the one
    /// framing the site's policy allows anywhere.
    /// </summary>
    public static string FamilyPagePolicy(DualStackOptions options) =>
        "default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'none'; " +
        $"frame-ancestors {options.SiteHost} {options.Ipv4Host} {options.Ipv6Host}";

    /// <summary>The row under the card, or null when the feature is off or the request has no address.</summary>
    public static YourAddresses? For(HttpContext context, DualStackOptions options)
    {
        if (!options.Enabled || VisitorAddress.From(context).Address is not { } reached)
        {
            return null;
        }

        var other = FamilyOf(reached) == AddressFamily.InterNetwork ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;
        return new YourAddresses(reached, other, $"//{options.HostFor(other)}/family");
    }

    /// <summary>IPv4-mapped IPv6 (a dual-stack socket's IPv4 client) is IPv4.</summary>
    public static AddressFamily FamilyOf(IPAddress address) =>
        address.IsIPv4MappedToIPv6 ? AddressFamily.InterNetwork : address.AddressFamily;

    public static string Name(AddressFamily family) => family == AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4";

    private static async Task WriteMisdirectedAsync(HttpContext context, string host, AddressFamily served)
    {
        var other = served == AddressFamily.InterNetworkV6 ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6;
        var explanation = $"{host} answers only over {Name(served)}, and this request arrived over {Name(other)}: the proxy in front of it routes it wrongly.";
        context.Response.StatusCode = StatusCodes.Status421MisdirectedRequest;
        var format = ClientFormat.Of(context);
        // Under /api a client may still accept only text: then it gets the line.
        if (format == ResponseFormat.Json &&
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = { Status = StatusCodes.Status421MisdirectedRequest, Title = "Misdirected request", Detail = explanation },
            }))
        {
            return;
        }

        // A browser reaches this only through a misconfigured proxy: the operator's line serves it as well as curl.
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync($"Misdirected request: {explanation}\n", context.RequestAborted);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A request for {Host} arrived over the other address family and was answered 421: check the proxy's routing of the family hosts")]
    private static partial void LogMisdirected(ILogger logger, string host);
}

/// <summary>The address the visitor reached us with, and where the other family's host shows the other one.</summary>
public sealed record YourAddresses(IPAddress Reached, AddressFamily Other, string OtherFrameUrl)
{
    public bool ReachedOverIpv4 => Other == AddressFamily.InterNetworkV6;
}
