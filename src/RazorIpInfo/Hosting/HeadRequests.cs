using Microsoft.AspNetCore.Routing;

namespace RazorIpInfo.Hosting;

public static class HeadRequests
{
    /// <summary>
    /// Lets every GET endpoint of <paramref name="builder"/> answer HEAD too, as HTTP requires (RFC 9110 §9.3.2):
    /// minimal APIs' <c>MapGet</c> accepts GET alone, so monitors and <c>curl -I</c> would get a 404 or 405.
    /// Kestrel sends no body for a HEAD request, so the GET handler serves it unchanged.
    /// </summary>
    public static TBuilder AnswerHeadLikeGet<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.Finally(endpoint =>
        {
            if (endpoint.Metadata.OfType<IHttpMethodMetadata>().LastOrDefault() is { } methods &&
                methods.HttpMethods.Contains(HttpMethods.Get) && !methods.HttpMethods.Contains(HttpMethods.Head))
            {
                endpoint.Metadata.Add(new HttpMethodMetadata([.. methods.HttpMethods, HttpMethods.Head], methods.AcceptCorsPreflight));
            }
        });
        return builder;
    }
}
