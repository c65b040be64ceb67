using System.Globalization;
using RazorIpInfo.Redis;
using StackExchange.Redis;

namespace RazorIpInfo.Lookup.Quota;

/// <summary>
/// The budget shared by every instance: one Redis key holding the requests left, expiring when the
/// upstream's window resets. Each step is one Lua script, so reservations from many instances never
/// race. While Redis is unavailable (<see cref="RedisConnection.IsAvailable"/>) the instance falls back
/// to its own in-process budget; a key holding something this code never writes is deleted, so the
/// window starts afresh instead of every call failing.
/// </summary>
public sealed partial class RedisUpstreamQuota(
    RedisConnection redis,
    string key,
    int limit,
    TimeSpan window,
    InProcessUpstreamQuota fallback,
    ILogger<RedisUpstreamQuota> logger) : IUpstreamQuota
{
    // One hash per window: "left" (requests we may still send) and "inflight" (sent, not yet answered).
    // Returns -1 when the call may go ahead, else the milliseconds until the window resets.
    // A key without expiry is not one this code wrote (it always sets one): it is dropped, or it would hold
    // the budget spent for ever.
    private const string ReserveScript = """
        if redis.call('PTTL', KEYS[1]) == -1 then redis.call('DEL', KEYS[1]) end
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

    public async Task<TimeSpan?> TryReserveAsync(CancellationToken cancellationToken)
    {
        if (Database is not { } database)
        {
            return await fallback.TryReserveAsync(cancellationToken);
        }

        try
        {
            var wait = (long)await database.ScriptEvaluateAsync(ReserveScript, [key], [limit, (long)window.TotalMilliseconds]);
            return wait < 0 ? null : TimeSpan.FromMilliseconds(wait);
        }
        catch (RedisServerException ex)
        {
            await RepairAsync(database, ex.Message);
            return await fallback.TryReserveAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return await fallback.TryReserveAsync(cancellationToken);
        }
    }

    public async Task CompleteAsync(UpstreamBudget? reported, CancellationToken cancellationToken)
    {
        await fallback.CompleteAsync(reported, cancellationToken);
        if (Database is not { } database)
        {
            return;
        }

        // Fire and forget: the visitor has the upstream's answer already and must not wait for its bookkeeping
        // (while Redis hangs, that wait would be a whole timeout). Redis runs it before this instance's next
        // reservation, which goes down the same connection; a failure leaves the in-process budget in charge.
        try
        {
            _ = database.ScriptEvaluateAsync(
                CompleteScript,
                [key],
                [
                    reported is null ? 0 : 1,
                    reported?.Remaining ?? 0,
                    (long)Math.Max(1, reported?.ResetIn.TotalMilliseconds ?? 1),
                ],
                CommandFlags.FireAndForget);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // The connection went down just now; the in-process budget is in charge until it is back.
        }
    }

    public async Task<TimeSpan?> ExhaustedForAsync(CancellationToken cancellationToken)
    {
        if (Database is not { } database)
        {
            return await fallback.ExhaustedForAsync(cancellationToken);
        }

        try
        {
            var left = await database.HashGetAsync(key, "left");
            if (left.IsNull)
            {
                return null;
            }

            if (!long.TryParse(left.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var remaining))
            {
                await RepairAsync(database, $"'left' is not a number");
                return await fallback.ExhaustedForAsync(cancellationToken);
            }

            if (remaining > 0)
            {
                return null;
            }

            if (await database.KeyTimeToLiveAsync(key) is { } resetIn)
            {
                return resetIn;
            }

            // Spent and never expiring: not a key this code wrote (it always sets an expiry).
            await database.KeyDeleteAsync(key);
            LogRepaired(logger, "no expiry");
            return await fallback.ExhaustedForAsync(cancellationToken);
        }
        catch (RedisServerException ex)
        {
            await RepairAsync(database, ex.Message);
            return await fallback.ExhaustedForAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return await fallback.ExhaustedForAsync(cancellationToken);
        }
    }

    // Not asked while the connection is down: with FailFast the call would fail anyway, after an allocation.
    private IDatabase? Database => redis.IsAvailable ? redis.Multiplexer?.GetDatabase() : null;

    /// <summary>
    /// Deletes the budget's key when it holds what this code never writes (another type, a field that is not an
    /// integer), which made every script fail. Any other server error (a restarting server) is left alone.
    /// </summary>
    private async Task RepairAsync(IDatabase database, string error)
    {
        try
        {
            var type = await database.KeyTypeAsync(key);
            var junk = type is not (RedisType.Hash or RedisType.None) ||
                (type == RedisType.Hash && (await database.HashGetAllAsync(key))
                    .Any(field => !long.TryParse(field.Value.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out _)));
            if (junk)
            {
                await database.KeyDeleteAsync(key);
                LogRepaired(logger, error);
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Redis went away meanwhile; the next call tries again.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The shared upstream budget in Redis held data this site does not write ({Error}); it was deleted and the window starts afresh")]
    private static partial void LogRepaired(ILogger logger, string error);
}
