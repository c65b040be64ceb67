using System.Net;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using RazorIpInfo.Lookup.IpApi;
using RazorIpInfo.Lookup.Quota;

namespace RazorIpInfo.Lookup;

public static class LookupServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddIpLookup(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);

        builder.Services.AddOptions<IpApiOptions>()
            .BindConfiguration(IpApiOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.AttemptTimeout < o.TotalTimeout, "IpApi:AttemptTimeout must be shorter than IpApi:TotalTimeout.")
            .ValidateOnStart();

        var client = builder.Services.AddHttpClient<IpApiClient>((services, http) =>
        {
            var options = services.GetRequiredService<IOptions<IpApiOptions>>().Value;
            http.BaseAddress = options.EffectiveBaseUrl;
            http.MaxResponseContentBufferSize = options.MaxResponseBytes;
        });

        // Outermost first: the resilience pipeline, then the budget check under it, so that every
        // attempt (retries included) is paid for and a spent budget sends nothing.
        client.AddStandardResilienceHandler()
            .Configure((resilience, services) =>
            {
                var options = services.GetRequiredService<IOptions<IpApiOptions>>().Value;
                resilience.AttemptTimeout.Timeout = options.AttemptTimeout;
                resilience.TotalRequestTimeout.Timeout = options.TotalTimeout;
                resilience.CircuitBreaker.SamplingDuration = TimeSpan.FromTicks(
                    Math.Max(TimeSpan.FromSeconds(30).Ticks, 2 * options.AttemptTimeout.Ticks));
                resilience.Retry.MaxRetryAttempts = Math.Max(1, options.MaxRetries);
                resilience.Retry.Delay = TimeSpan.FromMilliseconds(100);
                resilience.Retry.ShouldHandle = args => ValueTask.FromResult(
                    options.MaxRetries > 0 && IsRetryable(args.Outcome));
                resilience.CircuitBreaker.MinimumThroughput = 5;
                resilience.CircuitBreaker.FailureRatio = 0.5;
                resilience.CircuitBreaker.BreakDuration = options.CircuitBreakDuration;
                resilience.CircuitBreaker.ShouldHandle = args => ValueTask.FromResult(IsRetryable(args.Outcome));
                resilience.CircuitBreaker.StateProvider = services.GetRequiredService<UpstreamCircuit>().State;
            });
        client.AddUpstreamQuota(builder.Configuration);

        builder.Services.AddSingleton<UpstreamCircuit>();

        builder.Services.AddTransient<IIpInfoProvider>(services => services.GetRequiredService<IpApiClient>());
        builder.Services.AddTransient<IpLookupService>();
        return builder;
    }

    // A 429 means the quota is spent (from the upstream, or held back by our own budget): asking again only digs the hole deeper (ip-api.com bans
    // callers that keep going), so it is answered at once instead of retried.
    private static bool IsRetryable(Outcome<HttpResponseMessage> outcome) =>
        outcome.Result?.StatusCode != HttpStatusCode.TooManyRequests &&
        HttpClientResiliencePredicates.IsTransient(outcome);
}
