using Microsoft.Net.Http.Headers;
using RazorIpInfo.Hosting;
using RazorIpInfo.Lookup;

namespace RazorIpInfo.Api;

/// <summary>
/// <c>/</c> answers in the form the client asked for, as ifconfig.co does: command-line tools get the
/// address as a line of text, <c>Accept: application/json</c> gets the JSON API's answer, browsers the page.
/// </summary>
public static class ContentNegotiation
{
    public static IApplicationBuilder UseRootContentNegotiation(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (!(HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)) ||
                context.Request.Path != "/")
            {
                await next(context);
                return;
            }

            context.Response.Headers.Append(HeaderNames.Vary, $"{HeaderNames.Accept}, {HeaderNames.UserAgent}");
            var format = ClientFormat.Negotiated(context);
            if (format == ResponseFormat.Html)
            {
                await next(context);
                return;
            }

            var ip = context.Request.Query["ip"].ToString();
            var lookup = context.RequestServices.GetRequiredService<IpLookupService>();
            var query = context.RequestServices.GetRequiredService<RazorIpInfo.Lookup.HostNames.AddressQuery>();
            var networks = context.RequestServices.GetRequiredService<RazorIpInfo.Lookup.Networks.NetworkDatabase>();
            var aborted = context.RequestAborted;
            IResult result = format == ResponseFormat.Json
                ? string.IsNullOrWhiteSpace(ip)
                    ? await IpInfoApi.GetCallerAsync(context, lookup, aborted)
                    : await IpInfoApi.GetAddressAsync(ip, context, query, networks, aborted)
                : await TextEndpoints.AddressAsync(ip, context, lookup, query, networks, aborted);
            await result.ExecuteAsync(context);
        });
}
