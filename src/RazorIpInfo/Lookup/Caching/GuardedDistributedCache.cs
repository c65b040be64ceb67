using Microsoft.Extensions.Caching.Distributed;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using StackExchange.Redis;

namespace RazorIpInfo.Lookup.Caching;

/// <summary>
/// Keeps Redis trouble away from visitors: every call is bounded in time, a failing call reads as a
/// miss (or a skipped write), and after repeated failures Redis is not asked at all for a while, so
/// an outage costs no request more than a few hundred milliseconds. One warning per outage.
/// </summary>
internal sealed partial class GuardedDistributedCache : IDistributedCache
{
    private readonly IDistributedCache redis;
    private readonly ResiliencePipeline pipeline;
    private readonly ILogger logger;
    private int inOutage;

    public GuardedDistributedCache(IDistributedCache redis, TimeSpan callTimeout, ILogger<GuardedDistributedCache> logger)
    {
        this.redis = redis;
        this.logger = logger;

        // Built here rather than from DI, so it always runs on the system clock, never a test's fake one.
        pipeline = new ResiliencePipelineBuilder()
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<RedisException>().Handle<TimeoutRejectedException>()
                    .Handle<TimeoutException>().Handle<ObjectDisposedException>(),
                FailureRatio = 0.5,
                MinimumThroughput = 2,
                SamplingDuration = TimeSpan.FromSeconds(10),
                BreakDuration = TimeSpan.FromSeconds(2),
                OnOpened = args =>
                {
                    if (Interlocked.Exchange(ref inOutage, 1) == 0)
                    {
                        LogOutage(logger, args.Outcome.Exception?.GetType().Name, args.Outcome.Exception?.Message);
                    }

                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    if (Interlocked.Exchange(ref inOutage, 0) == 1)
                    {
                        LogRecovered(logger);
                    }

                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(callTimeout)
            .Build();
    }

    /// <summary>True from a failed Redis call until one succeeds again.</summary>
    public bool InOutage => Volatile.Read(ref inOutage) == 1;

    public byte[]? Get(string key) => GetAsync(key).GetAwaiter().GetResult();

    public Task<byte[]?> GetAsync(string key, CancellationToken token = default) =>
        GuardAsync(ct => new ValueTask<byte[]?>(redis.GetAsync(key, ct)), fallback: null, token);

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) =>
        SetAsync(key, value, options).GetAwaiter().GetResult();

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default) =>
        GuardAsync(async ct => { await redis.SetAsync(key, value, options, ct); return true; }, fallback: false, token);

    public void Refresh(string key) => RefreshAsync(key).GetAwaiter().GetResult();

    public Task RefreshAsync(string key, CancellationToken token = default) =>
        GuardAsync(async ct => { await redis.RefreshAsync(key, ct); return true; }, fallback: false, token);

    public void Remove(string key) => RemoveAsync(key).GetAwaiter().GetResult();

    public Task RemoveAsync(string key, CancellationToken token = default) =>
        GuardAsync(async ct => { await redis.RemoveAsync(key, ct); return true; }, fallback: false, token);

    private async Task<T> GuardAsync<T>(Func<CancellationToken, ValueTask<T>> call, T fallback, CancellationToken token)
    {
        var context = ResilienceContextPool.Shared.Get(token);
        Outcome<T> outcome;
        try
        {
            outcome = await pipeline.ExecuteOutcomeAsync(
                static async (context, state) =>
                {
                    try
                    {
                        // WaitAsync, because a reconnecting Redis client does not always observe cancellation:
                        // the call is abandoned at the timeout rather than awaited to its own end.
                        return Outcome.FromResult(await state(context.CancellationToken).AsTask().WaitAsync(context.CancellationToken));
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException || !context.CancellationToken.IsCancellationRequested)
                    {
                        return Outcome.FromException<T>(ex);
                    }
                },
                context,
                call);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        if (outcome.Exception is { } exception)
        {
            token.ThrowIfCancellationRequested();
            if (exception is not BrokenCircuitException)
            {
                LogCallFailed(logger, exception);
            }

            return fallback;
        }

        return outcome.Result!;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis is unavailable ({Error}: {Reason}); lookups use the in-process cache until it returns")]
    private static partial void LogOutage(ILogger logger, string? error, string? reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis is available again; the shared cache is back in use")]
    private static partial void LogRecovered(ILogger logger);

    [LoggerMessage(Level = LogLevel.Debug, Message = "A Redis call failed; treated as a cache miss")]
    private static partial void LogCallFailed(ILogger logger, Exception exception);
}
