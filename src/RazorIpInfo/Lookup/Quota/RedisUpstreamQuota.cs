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
    // Returns -1 when the call may go ahead, else the milliseconds until the window resets.
    private const string ReserveScript = """
        local left = redis.call('GET', KEYS[1])
        if not left then
          redis.call('SET', KEYS[1], tonumber(ARGV[1]) - 1, 'PX', ARGV[2])
          return -1
        end
        if tonumber(left) <= 0 then
          local ttl = redis.call('PTTL', KEYS[1])
          if ttl < 1 then ttl = 1 end
          return ttl
        end
        redis.call('DECR', KEYS[1])
        return -1
        """;

    // Keeps the lower of our count and the upstream's: reserved calls still in flight are not in its count yet.
    private const string RecordScript = """
        local left = tonumber(ARGV[1])
        local ours = redis.call('GET', KEYS[1])
        if ours and tonumber(ours) < left then left = tonumber(ours) end
        redis.call('SET', KEYS[1], left, 'PX', ARGV[2])
        return left
        """;

    private int outage;

    public async Task<TimeSpan?> TryReserveAsync(CancellationToken cancellationToken)
    {
        try
        {
            var wait = (long)await redis.GetDatabase().ScriptEvaluateAsync(
                ReserveScript, [key], [limit, (long)window.TotalMilliseconds]);
            Recovered();
            return wait < 0 ? null : TimeSpan.FromMilliseconds(wait);
        }
        catch (RedisException ex)
        {
            Failed(ex);
            return await fallback.TryReserveAsync(cancellationToken);
        }
    }

    public async Task RecordAsync(int remaining, TimeSpan resetIn, CancellationToken cancellationToken)
    {
        await fallback.RecordAsync(remaining, resetIn, cancellationToken);
        try
        {
            await redis.GetDatabase().ScriptEvaluateAsync(
                RecordScript, [key], [remaining, (long)Math.Max(1, resetIn.TotalMilliseconds)]);
            Recovered();
        }
        catch (RedisException ex)
        {
            Failed(ex);
        }
    }

    public async Task<TimeSpan?> ExhaustedForAsync(CancellationToken cancellationToken)
    {
        try
        {
            var database = redis.GetDatabase();
            var left = await database.StringGetAsync(key);
            if (left.IsNull || (long)left > 0)
            {
                return null;
            }

            return await database.KeyTimeToLiveAsync(key) ?? TimeSpan.FromSeconds(1);
        }
        catch (RedisException ex)
        {
            Failed(ex);
            return await fallback.ExhaustedForAsync(cancellationToken);
        }
    }

    // One warning when Redis goes away and one line when it is back, not one per request.
    private void Failed(RedisException ex)
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
