using StackExchange.Redis;

namespace RazorIpInfo.Lookup.Quota;

/// <summary>
/// The budget shared by every instance: one Redis key holding the requests left, expiring when the
/// upstream's window resets. Each step is one Lua script, so reservations from many instances never
/// race. While Redis is unreachable the instance falls back to its own in-process budget.
/// </summary>
public sealed partial class RedisUpstreamQuota(
    IConnectionMultiplexer redis,
    string key,
    int limit,
    TimeSpan window,
    InProcessUpstreamQuota fallback,
    ILogger<RedisUpstreamQuota> logger) : IUpstreamQuota
{
    // One hash per window: "left" (requests we may still send) and "inflight" (sent, not yet answered).
    // Returns -1 when the call may go ahead, else the milliseconds until the window resets.
    private const string ReserveScript = """
        local left = redis.call('HGET', KEYS[1], 'left')
        if not left then
          redis.call('HSET', KEYS[1], 'left', tonumber(ARGV[1]) - 1, 'inflight', 1)
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
          return -1
        end
        if tonumber(left) <= 0 then
          local ttl = redis.call('PTTL', KEYS[1])
          if ttl < 1 then ttl = 1 end
          return ttl
        end
        redis.call('HINCRBY', KEYS[1], 'left', -1)
        redis.call('HINCRBY', KEYS[1], 'inflight', 1)
        return -1
        """;

    // ARGV: 1 when the upstream reported its budget, the requests it has left, the ms to its reset.
    private const string CompleteScript = """
        if redis.call('EXISTS', KEYS[1]) == 0 then
          if ARGV[1] == '1' then
            redis.call('HSET', KEYS[1], 'left', ARGV[2], 'inflight', 0)
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
          end
          return 0
        end
        local inflight = redis.call('HINCRBY', KEYS[1], 'inflight', -1)
        if inflight < 0 then
          inflight = 0
          redis.call('HSET', KEYS[1], 'inflight', 0)
        end
        if ARGV[1] == '1' then
          local left = tonumber(ARGV[2]) - inflight
          local ours = tonumber(redis.call('HGET', KEYS[1], 'left'))
          if tonumber(ARGV[3]) <= redis.call('PTTL', KEYS[1]) + 1000 and ours < left then left = ours end
          redis.call('HSET', KEYS[1], 'left', left)
          redis.call('PEXPIRE', KEYS[1], ARGV[3])
        end
        return 1
        """;

    private int outage;

    /// <summary>A request waits at most this long for Redis before going on with the instance's own budget.</summary>
    private static readonly TimeSpan CallBudget = TimeSpan.FromMilliseconds(300);

    public async Task<TimeSpan?> TryReserveAsync(CancellationToken cancellationToken)
    {
        try
        {
            var wait = (long)await EvaluateAsync(ReserveScript, [limit, (long)window.TotalMilliseconds]);
            Recovered();
            return wait < 0 ? null : TimeSpan.FromMilliseconds(wait);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Failed(ex);
            return await fallback.TryReserveAsync(cancellationToken);
        }
    }

    public async Task CompleteAsync(UpstreamBudget? reported, CancellationToken cancellationToken)
    {
        await fallback.CompleteAsync(reported, cancellationToken);
        try
        {
            await EvaluateAsync(
                CompleteScript,
                [
                    reported is null ? 0 : 1,
                    reported?.Remaining ?? 0,
                    (long)Math.Max(1, reported?.ResetIn.TotalMilliseconds ?? 1),
                ]);
            Recovered();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Failed(ex);
        }
    }

    public async Task<TimeSpan?> ExhaustedForAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (!redis.IsConnected)
            {
                return await fallback.ExhaustedForAsync(cancellationToken);
            }

            var database = redis.GetDatabase();
            var left = await database.HashGetAsync(key, "left").WaitAsync(CallBudget, cancellationToken);
            if (left.IsNull || (long)left > 0)
            {
                return null;
            }

            return await database.KeyTimeToLiveAsync(key).WaitAsync(CallBudget, cancellationToken) ?? TimeSpan.FromSeconds(1);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Failed(ex);
            return await fallback.ExhaustedForAsync(cancellationToken);
        }
    }

    // One warning when Redis goes away and one line when it is back, not one per request.
    // While the connection is down every command would wait for its timeout; go straight to the fallback.
    private Task<RedisResult> EvaluateAsync(string script, RedisValue[] values) =>
        redis.IsConnected
            ? redis.GetDatabase().ScriptEvaluateAsync(script, [key], values).WaitAsync(CallBudget)
            : throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, "Redis is not connected.");

    private void Failed(Exception ex)
    {
        if (Interlocked.Exchange(ref outage, 1) == 0)
        {
            LogRedisUnavailable(logger, ex.Message);
        }
    }

    private void Recovered()
    {
        if (Interlocked.Exchange(ref outage, 0) == 1)
        {
            LogRedisBack(logger);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis unreachable for the shared upstream budget ({Reason}); using this instance's own budget until it returns")]
    private static partial void LogRedisUnavailable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis reachable again; the upstream budget is shared again")]
    private static partial void LogRedisBack(ILogger logger);
}
