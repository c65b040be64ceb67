using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using RazorIpInfo.Lookup;
using RazorIpInfo.Lookup.Networks;
using RazorIpInfo.Lookup.Rdap;

namespace RazorIpInfo.Api;

/// <summary>Registration data (RDAP) as JSON, and the abuse contact as a line of text.</summary>
public static class RegistrationApi
{
    public static IEndpointRouteBuilder MapRegistrationApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/ip-info/{ip}/registration", ForAddressAsync)
            .WithTags("Registration")
            .WithName("GetIpRegistration")
            .WithSummary("The registry's record of the network holding a public address: name, range, organisation, abuse contact.");
        app.MapGet("/api/as/{number}/registration", ForAsAsync)
            .WithTags("Registration")
            .WithName("GetAsRegistration")
            .WithSummary("The registry's record of an autonomous system: name, organisation, abuse contact.");
        app.MapGet("/abuse", AbuseAsync).ExcludeFromDescription();
        return app;
    }

    internal static async Task<Results<Ok<RdapRegistration>, ProblemHttpResult>> ForAddressAsync(
        string ip, HttpContext context, RdapService rdap, CancellationToken cancellationToken)
    {
        if (!RdapFailure.IsPublicAddress(ip, out var address, out var refused))
        {
            return Problem(refused, context);
        }

        var answer = await rdap.ForAddressAsync(address, cancellationToken);
        return answer.Registration is { } found ? TypedResults.Ok(found) : Problem(RdapFailure.Of(answer, address.ToString()), context);
    }

    internal static async Task<Results<Ok<RdapRegistration>, ProblemHttpResult>> ForAsAsync(
        string number, HttpContext context, RdapService rdap, CancellationToken cancellationToken)
    {
        if (!AsPaging.TryParseNumber(number, out var asNumber))
        {
            return Problem(RdapFailure.NotAnAsNumber, context);
        }

        var answer = await rdap.ForAsAsync(asNumber, cancellationToken);
        return answer.Registration is { } found
            ? TypedResults.Ok(found)
            : Problem(RdapFailure.Of(answer, string.Create(CultureInfo.InvariantCulture, $"AS{asNumber}")), context);
    }

    /// <summary><c>/abuse?ip=</c>: where to report abuse from an address (the visitor's own without one), for scripts.</summary>
    internal static async Task<IResult> AbuseAsync(string? ip, HttpContext context, RdapService rdap, CancellationToken cancellationToken)
    {
        var text = string.IsNullOrWhiteSpace(ip) ? VisitorAddress.From(context).Address?.ToString() : ip;
        if (!RdapFailure.IsPublicAddress(text, out var address, out var refused))
        {
            return Line(refused, context);
        }

        var answer = await rdap.ForAddressAsync(address, cancellationToken);
        return answer switch
        {
            { Registration.AbuseEmail: { } email } => Text(email, StatusCodes.Status200OK),
            { Registration: not null } => Text("No abuse contact registered for this address", StatusCodes.Status404NotFound),
            _ => Line(RdapFailure.Of(answer, address.ToString()), context),
        };
    }

    private static ProblemHttpResult Problem(LookupFailure failure, HttpContext context)
    {
        RetryAfter(failure, context);
        return TypedResults.Problem(statusCode: failure.Status, title: failure.Title, detail: failure.Detail);
    }

    private static IResult Line(LookupFailure failure, HttpContext context)
    {
        RetryAfter(failure, context);
        return Text(failure.Line, failure.Status);
    }

    private static void RetryAfter(LookupFailure failure, HttpContext context)
    {
        if (failure.RetryAfterSeconds is { } seconds)
        {
            context.Response.Headers[HeaderNames.RetryAfter] = seconds.ToString(CultureInfo.InvariantCulture);
        }
    }

    private static IResult Text(string text, int status) => Results.Text(text + "\n", "text/plain", Encoding.UTF8, status);
}
