using Microsoft.AspNetCore.Mvc.ApplicationModels;
using Microsoft.AspNetCore.Routing;

namespace RazorIpInfo.Pages;

/// <summary>
/// A page answers only the methods it has handlers for (and HEAD where it has GET); anything else is a 405.
/// Without this, Razor Pages runs a page that has no handler for TRACE or PUT, with a model never loaded.
/// </summary>
internal sealed class HandledMethodsOnly : IPageApplicationModelConvention
{
    public void Apply(PageApplicationModel model)
    {
        // The error page is re-executed with whatever method failed, so it must answer them all.
        if (model.ViewEnginePath == "/Error")
        {
            return;
        }

        var methods = model.HandlerMethods.Select(handler => handler.HttpMethod.ToUpperInvariant()).Distinct().ToList();
        if (methods.Count == 0)
        {
            return;
        }

        if (methods.Contains(HttpMethods.Get) && !methods.Contains(HttpMethods.Head))
        {
            methods.Add(HttpMethods.Head);
        }

        model.EndpointMetadata.Add(new HttpMethodMetadata(methods));
    }
}
