using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;
using RazorIpInfo.Lookup.Upstream;

namespace RazorIpInfo.Lookup.Rdap;

/// <summary>
/// Asks the registry IANA's bootstrap names for one address or AS number, through the hardened client: each
/// registry host has its own circuit and budget. Redirects, which RDAP uses between registries, are followed
/// here, a few at most, and only to hosts the bootstrap names.
/// </summary>
public sealed partial class RdapClient(
    IHttpClientFactory clients, RdapBootstrap bootstrap, IOptions<RdapOptions> options, TimeProvider time, ILogger<RdapClient> logger)
{
    public const string ClientName = "rdap";

    /// <summary>ARIN → RIPE is one hop; a registry that sends a caller round more than this is not answering.</summary>
    public const int MaxRedirects = 3;

    public Task<RdapAnswer> LookupAsync(IPAddress address, CancellationToken cancellationToken)
    {
        if (!bootstrap.Loaded(address))
        {
            return Task.FromResult(new RdapAnswer(RdapOutcome.NoBootstrap));
        }

        return AskAsync(bootstrap.For(address), "ip/" + AddressInput.Normalise(address), cancellationToken);
    }

    public Task<RdapAnswer> LookupAsync(uint asNumber, CancellationToken cancellationToken) =>
        bootstrap.AsLoaded
            ? AskAsync(bootstrap.For(asNumber), "autnum/" + asNumber.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken)
            : Task.FromResult(new RdapAnswer(RdapOutcome.NoBootstrap));

    private async Task<RdapAnswer> AskAsync(Uri[] services, string path, CancellationToken cancellationToken)
    {
        if (services.FirstOrDefault(IsAllowed) is not { } service)
        {
            return new RdapAnswer(services.Length == 0 ? RdapOutcome.NoRegistry : RdapOutcome.Failed);
        }

        var http = clients.CreateClient(ClientName);
        var url = new Uri(service, path);
        // One bound for the whole chain of redirects; each hop's own attempt is bounded by the client's pipeline.
        // On the same clock as that pipeline, so that a test that moves one moves both.
        using var chain = new CancellationTokenSource(options.Value.Timeout * (MaxRedirects + 1), time);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, chain.Token);
        try
        {
            for (var hop = 0; ; hop++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/rdap+json"));
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json", 0.9));
                using var response = await http.SendAsync(request, deadline.Token);
                if (IsRedirect(response.StatusCode))
                {
                    if (hop >= MaxRedirects || response.Headers.Location is not { } location ||
                        new Uri(url, location) is not { } next || !IsAllowed(next) || !bootstrap.Names(next))
                    {
                        LogRedirectRefused(logger, RdapAnswerParser.RegistryName(url));
                        return new RdapAnswer(RdapOutcome.Failed);
                    }

                    url = next;
                    continue;
                }

                switch (response.StatusCode)
                {
                    case HttpStatusCode.NotFound:
                        return new RdapAnswer(RdapOutcome.NotFound);
                    case HttpStatusCode.TooManyRequests:
                        return new RdapAnswer(RdapOutcome.Throttled, RetryAfterSeconds: RetryAfter(response));
                    case var status when (int)status is < 200 or > 299:
                        LogFailed(logger, RdapAnswerParser.RegistryName(url), (int)status);
                        return new RdapAnswer(RdapOutcome.Failed);
                }

                var body = await response.Content.ReadAsByteArrayAsync(deadline.Token);
                if (RdapAnswerParser.Parse(body, url) is not { } registration)
                {
                    LogMalformed(logger, RdapAnswerParser.RegistryName(url));
                    return new RdapAnswer(RdapOutcome.Failed);
                }

                return new RdapAnswer(RdapOutcome.Found, registration);
            }
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested &&
                                  e is TimeoutRejectedException or OperationCanceledException)
        {
            LogTimedOut(logger, RdapAnswerParser.RegistryName(url));
            return new RdapAnswer(RdapOutcome.Timeout);
        }
        catch (Exception e) when (e is HttpRequestException or BrokenCircuitException)
        {
            LogUnreachable(logger, RdapAnswerParser.RegistryName(url), e.GetType().Name);
            return new RdapAnswer(RdapOutcome.Failed);
        }
    }

    /// <summary>
    /// Https to a host named by its name or a public address; plain http, or a loopback or private address,
    /// only for the hosts <c>Rdap:LocalHosts</c> lists. (Names that resolve to a private address are refused
    /// when connecting, by <see cref="RdapRegistration"/>'s connect check.)
    /// </summary>
    public bool IsAllowed(Uri url)
    {
        if (options.Value.LocalHosts.Contains(url.IdnHost, StringComparer.OrdinalIgnoreCase))
        {
            return url.Scheme is "http" or "https";
        }

        return url.Scheme == Uri.UriSchemeHttps && url.UserInfo.Length == 0 &&
               (!IPAddress.TryParse(url.IdnHost, out var literal) || AddressScope.Classify(literal) == AddressKind.Public);
    }

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found
        or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    // The budget handler answers a spent budget with X-Ttl; a registry with Retry-After.
    private int? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.TryGetValues("X-Ttl", out var ttl) && int.TryParse(ttl.FirstOrDefault(), out var seconds))
        {
            return Math.Max(1, seconds);
        }

        return response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => Math.Max(1, (int)Math.Ceiling(delta.TotalSeconds)),
            { Date: { } date } => Math.Max(1, (int)Math.Ceiling((date - time.GetUtcNow()).TotalSeconds)),
            _ => null,
        };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "RDAP: {Registry} redirected to a host the bootstrap does not name, or too many times; not followed")]
    private static partial void LogRedirectRefused(ILogger logger, string registry);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RDAP: {Registry} answered {Status}")]
    private static partial void LogFailed(ILogger logger, string registry, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RDAP: {Registry} sent an answer that is not an RDAP network or autnum object")]
    private static partial void LogMalformed(ILogger logger, string registry);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RDAP: {Registry} did not answer in time")]
    private static partial void LogTimedOut(ILogger logger, string registry);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RDAP: {Registry} could not be asked ({Error})")]
    private static partial void LogUnreachable(ILogger logger, string registry, string error);
}
