using System.Globalization;
using Htmx;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Net.Http.Headers;
using RazorIpInfo.Lookup;
using RazorIpInfo.Lookup.Networks;
using RazorIpInfo.Lookup.Rdap;

namespace RazorIpInfo.Pages;

/// <summary>
/// /registration?ip= or ?as=: the registry's record, loaded on demand. With htmx, the card's section asks for
/// the fragment alone when it is opened; without JavaScript, its link opens this page.
/// </summary>
public sealed class RegistrationModel(RdapService rdap) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "ip")]
    public string? Ip { get; set; }

    [BindProperty(SupportsGet = true, Name = "as")]
    public string? As { get; set; }

    /// <summary>What was asked about, as the site writes it (8.8.8.8, AS15169); null when it was neither.</summary>
    public string? Subject { get; private set; }

    public RdapRegistration? Registration { get; private set; }

    /// <summary>Why there is no registration: the resource key of the sentence to show.</summary>
    public string? Problem { get; private set; }

    /// <summary>A failure that may pass (a busy or slow registry), worth a "Try again".</summary>
    public bool Retry { get; private set; }

    /// <summary>Where the card of the address (or the AS page) is.</summary>
    public string BackUrl => Subject is null ? "/" : As is not null ? "/" + Subject : "/?ip=" + Uri.EscapeDataString(Subject);

    public string SelfUrl => As is not null ? "/registration?as=" + Uri.EscapeDataString(Subject ?? As) : "/registration?ip=" + Uri.EscapeDataString(Subject ?? Ip ?? "");

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        Response.Headers.Append(HeaderNames.Vary, "HX-Request, HX-History-Restore-Request");
        var status = await AskAsync(cancellationToken);
        if (Request.IsHtmx() && !Request.IsHtmxHistoryRestoreRequest())
        {
            // htmx swaps 2xx answers only: the fragment says what went wrong in its own words.
            return Partial("Shared/_Registration", this);
        }

        return new PageResult { StatusCode = status };
    }

    private async Task<int> AskAsync(CancellationToken cancellationToken)
    {
        RdapAnswer answer;
        if (As is not null)
        {
            if (!AsPaging.TryParseNumber(As, out var asNumber))
            {
                Problem = "Registration.Invalid";
                return StatusCodes.Status400BadRequest;
            }

            Subject = string.Create(CultureInfo.InvariantCulture, $"AS{asNumber}");
            answer = await rdap.ForAsAsync(asNumber, cancellationToken);
        }
        else
        {
            if (!RdapFailure.IsPublicAddress(Ip, out var address, out var refused))
            {
                Subject = AddressInput.TryParse(Ip, out var typed) ? AddressInput.Normalise(typed).ToString() : null;
                Problem = refused.Status == StatusCodes.Status400BadRequest ? "Registration.Invalid" : "Registration.NotPublic";
                return refused.Status;
            }

            Subject = address.ToString();
            answer = await rdap.ForAddressAsync(address, cancellationToken);
        }

        Registration = answer.Registration;
        (Problem, Retry) = answer.Outcome switch
        {
            RdapOutcome.Found => (null, false),
            RdapOutcome.NotFound => ("Registration.NotFound", false),
            RdapOutcome.NoRegistry => ("Registration.NoRegistry", false),
            _ => ("Registration.Unavailable", true),
        };
        return answer.Outcome is RdapOutcome.NotFound or RdapOutcome.NoRegistry ? StatusCodes.Status404NotFound : StatusCodes.Status200OK;
    }
}
