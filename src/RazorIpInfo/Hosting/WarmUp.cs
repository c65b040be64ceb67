using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using System.Net;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace RazorIpInfo.Hosting;

public sealed class WarmUpOptions
{
    public const string Section = "WarmUp";

    /// <summary>Off only for tests and for measuring a cold instance (bench/cold-start.sh): /readyz is then ready at once.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The longest the warm-up may take. Past it the instance reports ready but Degraded, with the reason:
    /// a slow warm-up must not keep a working instance out of the pool for good.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan Deadline { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the JIT must have compiled almost nothing, under the warm-up's own load, before the instance counts
    /// as warm. One quiet round was not enough: tiered compilation waits 100 ms after the last first-tier compile
    /// before it counts calls, then compiles the optimised code in the background, so a round that fell into that
    /// pause compiled nothing while the hot paths were still far from their final code. Zero: one quiet round.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan QuietPeriod { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>
/// A new instance is warm before it says it is ready. Until its JIT has compiled the hot paths at tier 1 it
/// serves a fifth of its steady requests/s (docs/performance.md), and a load balancer that adds it during a
/// spike would send it its full share at once. So, once the server listens, the instance sends its own page,
/// card fragment, JSON and text answers to itself through its own listening address (the whole pipeline,
/// Kestrel included, as nginx would), in rounds, until the JIT has compiled almost nothing for a second
/// (<see cref="WarmUpOptions.QuietPeriod"/>), and only then does <c>/readyz</c> report it ready.
/// </summary>
public static partial class WarmUp
{
    /// <summary>The warm-up's own header; its value is a secret of this process (<see cref="WarmUpState.IsOwnRequest"/>).</summary>
    public const string Header = "X-Warm-Up";

    /// <summary>
    /// An address every provider knows. The page and JSON ask for it as the visitor behind loopback, a trusted
    /// proxy, as nginx's requests do: one upstream lookup per instance start, then cache hits.
    /// </summary>
    private const string Visitor = "8.8.8.8";

    private const string BrowserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

    private static readonly (string Name, string Path, (string Name, string Value)[] Headers)[] Paths =
    [
        ("page", "/", [("Accept", BrowserAccept)]),
        ("fragment", "/?handler=Card&ip=" + Visitor, [("Accept", BrowserAccept), ("HX-Request", "true")]),
        ("JSON", "/api/ip-info/" + Visitor, [("Accept", "application/json")]),
        ("text", "/", [("User-Agent", "curl/8.5.0"), ("Accept", "*/*")]),
    ];

    /// <summary>Requests per path in a round, and how many run at once. Tiered compilation promotes a method after 30 calls.</summary>
    private const int PerPathPerRound = 25;

    private const int Concurrency = 4;

    /// <summary>A round that makes the JIT compile no more than this counts as warm (bench/run.sh's rule).</summary>
    private const long SettledMethods = 20;

    public static IHostApplicationBuilder AddWarmUp(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSectionOptions<WarmUpOptions>(WarmUpOptions.Section);
        builder.Services.AddSingleton<WarmUpState>();
        builder.Services.AddHostedService<WarmUpService>();
        return builder;
    }

    internal sealed class WarmUpService(
        IServer server, IHostApplicationLifetime lifetime, IOptions<WarmUpOptions> options, IOptions<ForwardedHeadersOptions> forwarded,
        WarmUpState state, ILogger<WarmUpService> logger) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            if (!options.Value.Enabled)
            {
                state.Finish(HealthCheckResult.Healthy("Warm-up is off (WarmUp:Enabled=false)."));
                return;
            }

            // The server listens only once the host has started.
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (lifetime.ApplicationStarted.Register(started.SetResult))
            using (stoppingToken.Register(started.SetCanceled))
            {
                try
                {
                    await started.Task;
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            if (OwnAddress(server) is not { } address)
            {
                // An in-process test server has no socket to warm, nor a load balancer to keep it out.
                state.Finish(HealthCheckResult.Healthy("No plain-HTTP listening address: nothing to warm through."));
                return;
            }

            var deadline = options.Value.Deadline;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(deadline);
            var clock = Stopwatch.StartNew();
            try
            {
                var rounds = await WarmAsync(address, timeout.Token);
                LogWarm(logger, rounds, clock.ElapsedMilliseconds);
                state.Finish(HealthCheckResult.Healthy($"Warm: the page, fragment, JSON and text served {rounds} rounds in {clock.ElapsedMilliseconds} ms."));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Shutting down: nothing to report.
            }
            catch (OperationCanceledException)
            {
                LogNotWarm(logger, "the JIT was still compiling at the deadline", deadline.TotalSeconds);
                state.Finish(HealthCheckResult.Degraded($"Not warm after {deadline.TotalSeconds:0.#} s (WarmUp:Deadline): the JIT was still compiling."));
            }
            catch (Exception e) when (e is WarmUpFailed or HttpRequestException)
            {
                LogNotWarm(logger, e.Message, deadline.TotalSeconds);
                state.Finish(HealthCheckResult.Degraded($"The warm-up failed: {e.Message}"));
            }
        }

        private async Task<int> WarmAsync(Uri address, CancellationToken cancellationToken)
        {
            using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, UseCookies = false })
            {
                BaseAddress = address,
                Timeout = Timeout.InfiniteTimeSpan,
            };
            var names = forwarded.Value;
            var quietPeriod = options.Value.QuietPeriod;
            var quietSince = Stopwatch.GetTimestamp();
            var rounds = 0;
            // No cap on rounds: a cap of 15 let the instance report ready with thousands of methods still to compile,
            // which it then compiled under full load. The deadline bounds the wait.
            for (var settled = false; !settled; rounds++)
            {
                var compiledBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
                foreach (var path in Paths)
                {
                    await Parallel.ForAsync(0, PerPathPerRound, new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken }, async (_, token) =>
                    {
                        using var request = new HttpRequestMessage(HttpMethod.Get, path.Path);
                        request.Headers.TryAddWithoutValidation(Header, state.Secret);
                        // As the TLS-terminating proxy in front of the site sends them: the visitor and the scheme.
                        request.Headers.TryAddWithoutValidation(names.ForwardedForHeaderName, Visitor);
                        request.Headers.TryAddWithoutValidation(names.ForwardedProtoHeaderName, "https");
                        foreach (var (name, value) in path.Headers)
                        {
                            request.Headers.TryAddWithoutValidation(name, value);
                        }

                        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, token);
                        if (response.StatusCode != HttpStatusCode.OK)
                        {
                            throw new WarmUpFailed($"its {path.Name} answered HTTP {(int)response.StatusCode}.");
                        }
                    });
                }

                // The first rounds always compile: tier 0, then the instrumented tier, then tier 1. Warm is a quiet
                // JIT for the whole quiet period, not one quiet round (WarmUpOptions.QuietPeriod says why).
                if (System.Runtime.JitInfo.GetCompiledMethodCount() - compiledBefore > SettledMethods)
                {
                    quietSince = Stopwatch.GetTimestamp();
                }
                else
                {
                    settled = rounds >= 2 && Stopwatch.GetElapsedTime(quietSince) >= quietPeriod;
                }
            }

            return rounds;
        }
    }

    /// <summary>Where the instance can reach itself: its first plain-HTTP address, a wildcard one as loopback.</summary>
    internal static Uri? OwnAddress(IServer server)
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        foreach (var address in addresses)
        {
            if (!address.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            // Kestrel reports a wildcard binding as http://[::]:8080, http://0.0.0.0:8080, http://+:8080 or http://*:8080.
            var wildcard = address.Replace("://+:", "://localhost:", StringComparison.Ordinal).Replace("://*:", "://localhost:", StringComparison.Ordinal);
            if (Uri.TryCreate(wildcard, UriKind.Absolute, out var url))
            {
                var host = url.Host switch
                {
                    "[::]" => "[::1]",
                    "0.0.0.0" or "localhost" => "127.0.0.1",
                    var other => other,
                };
                return new UriBuilder(url) { Host = host, Path = "/" }.Uri;
            }
        }

        return null;
    }

    private sealed class WarmUpFailed(string message) : Exception(message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Warm: the page, fragment, JSON and text answers served {Rounds} rounds in {Milliseconds} ms; /readyz now reports ready")]
    private static partial void LogWarm(ILogger logger, int rounds, long milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The warm-up did not finish ({Reason}; deadline {Seconds} s): /readyz reports Degraded")]
    private static partial void LogNotWarm(ILogger logger, string reason, double seconds);
}

/// <summary>Whether the warm-up is done, and the secret its requests carry.</summary>
public sealed class WarmUpState
{
    private StrongBox<HealthCheckResult>? result;

    /// <summary>Random per process, never written anywhere: only the warm-up's own requests can carry it.</summary>
    internal string Secret { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));

    /// <summary>Null while warming up.</summary>
    public HealthCheckResult? Result => Volatile.Read(ref result)?.Value;

    internal void Finish(HealthCheckResult outcome) => Volatile.Write(ref result, new StrongBox<HealthCheckResult>(outcome));

    /// <summary>
    /// A request of the warm-up itself. The per-client limits let these through: hundreds of them from one
    /// address in a few seconds are the point, and a refused one would warm only the refusal.
    /// </summary>
    public bool IsOwnRequest(HttpContext context) =>
        Volatile.Read(ref result) is null &&
        context.Request.Headers.TryGetValue(WarmUp.Header, out var value) && value.Count == 1 &&
        CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(value[0] ?? ""), System.Text.Encoding.ASCII.GetBytes(Secret));
}

/// <summary>Unhealthy (503 on /readyz) while warming up; afterwards what the warm-up ended with.</summary>
public sealed class WarmUpHealthCheck(WarmUpState state) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(state.Result ?? HealthCheckResult.Unhealthy("Warming up: the page, fragment, JSON and text paths have not all been served yet."));
}
