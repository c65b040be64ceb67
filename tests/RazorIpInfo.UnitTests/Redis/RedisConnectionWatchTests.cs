using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using RazorIpInfo.Redis;
using StackExchange.Redis;

namespace RazorIpInfo.UnitTests.Redis;

/// <summary>
/// The watch that notices a Redis server which hangs: it keeps its connection open and raises no event, so only
/// unanswered PINGs tell. The connection here is a stand-in whose PINGs are answered, never answered or refused as
/// each row says, and the watch runs on a fake clock: a hang is a second the test moves, not one it waits for.
/// </summary>
public sealed class RedisConnectionWatchTests
{
    /// <summary>How the stand-in meets one PING.</summary>
    public enum Ping
    {
        Answered,
        Unanswered,
        Refused,
    }

    public static TheoryData<string, Ping[], int, int> Hangs => new()
    {
        // name, the PINGs in order, outages logged, recoveries logged
        { "every PING answered", [Ping.Answered, Ping.Answered, Ping.Answered], 0, 0 },
        { "one unanswered at a time is a busy moment", [Ping.Unanswered, Ping.Answered, Ping.Unanswered, Ping.Answered], 0, 0 },
        { "two unanswered in a row are an outage", [Ping.Unanswered, Ping.Unanswered], 1, 0 },
        { "a long hang is one outage, not one per PING", [.. Enumerable.Repeat(Ping.Unanswered, 8)], 1, 0 },
        { "an answer after a hang ends the outage", [Ping.Unanswered, Ping.Unanswered, Ping.Unanswered, Ping.Answered, Ping.Answered], 1, 1 },
        { "two hangs are two outages, each ended once", [Ping.Unanswered, Ping.Unanswered, Ping.Answered, Ping.Unanswered, Ping.Unanswered, Ping.Answered], 2, 2 },
        { "a refused PING counts like an unanswered one", [Ping.Refused, Ping.Unanswered, Ping.Answered], 1, 1 },
    };

    [Theory]
    [MemberData(nameof(Hangs))]
    public async Task AHangIsNoticedOnceAfterTwoUnansweredPingsAndItsEndOnce(string name, Ping[] pings, int outages, int recoveries)
    {
        var logger = new FakeLogger<RedisConnection>();
        var clock = new FakeTimeProvider();
        var redis = new RedisConnection(new ConfigurationBuilder().Build(), logger, clock);
        var asked = 0;
        var database = Stand.In<IDatabase>(method => method.Name == nameof(IDatabase.PingAsync)
            // Every PING after the planned ones hangs, so that the watch waits where the row ends.
            ? (Interlocked.Increment(ref asked) - 1 is var n && n < pings.Length ? pings[n] : Ping.Unanswered) switch
            {
                Ping.Answered => Task.FromResult(TimeSpan.FromMilliseconds(1)),
                Ping.Refused => Task.FromException<TimeSpan>(new RedisConnectionException(ConnectionFailureType.SocketFailure, "refused")),
                _ => new TaskCompletionSource<TimeSpan>().Task,
            }
            : throw new NotSupportedException(method.Name));
        var connection = Stand.In<IConnectionMultiplexer>(method => method.Name switch
        {
            "get_IsConnected" => true,
            nameof(IConnectionMultiplexer.GetDatabase) => database,
            _ => throw new NotSupportedException(method.Name),
        });
        using var stop = new CancellationTokenSource();

        var watching = redis.WatchAsync(connection, stop.Token);
        // Moves the clock a watch interval at a time until the watch has sent one PING more than the row plans, that
        // is until it has heard the last planned one. Between moves the watch's continuations run on the thread pool;
        // the real-time bound only turns a stuck watch into a failure.
        for (var bound = DateTime.UtcNow.AddSeconds(20); Volatile.Read(ref asked) <= pings.Length; await Task.Delay(1))
        {
            Assert.True(DateTime.UtcNow < bound, $"{name}: the watch sent {asked} of {pings.Length + 1} PINGs");
            clock.Advance(RedisConnection.WatchInterval);
        }

        await stop.CancelAsync();
        await watching;

        var logged = logger.Collector.GetSnapshot();
        var down = logged.Where(log => log.Level == LogLevel.Warning).Select(log => log.Message).ToList();
        Assert.True(down.Count == outages, $"{name}: {down.Count} outages logged, not {outages}: {string.Join(" | ", down)}");
        Assert.All(down, message => Assert.Contains("no answer to two PINGs within 1000 ms", message, StringComparison.Ordinal));
        Assert.Equal(recoveries, logged.Count(log => log.Level == LogLevel.Information && log.Message.Contains("available again", StringComparison.Ordinal)));
    }

    /// <summary>
    /// The watcher's PING meeting a connection closed under it: a race a real server cannot be made to lose on
    /// demand (it lost it once in a full run, and the host's shutdown failed).
    /// </summary>
    [Fact]
    public async Task AConnectionClosedUnderTheWatcherEndsTheWatchWithAnOutageNotAnException()
    {
        var logger = new FakeLogger<RedisConnection>();
        var clock = new FakeTimeProvider();
        var redis = new RedisConnection(new ConfigurationBuilder().Build(), logger, clock);
        var database = Stand.In<IDatabase>(method => method.Name == nameof(IDatabase.PingAsync)
            ? throw new ObjectDisposedException("vm(SE.Redis)")
            : throw new NotSupportedException(method.Name));
        var closed = Stand.In<IConnectionMultiplexer>(method => method.Name switch
        {
            "get_IsConnected" => true,
            nameof(IConnectionMultiplexer.GetDatabase) => database,
            _ => throw new NotSupportedException(method.Name),
        });
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        var watching = redis.WatchAsync(closed, bound.Token);
        clock.Advance(RedisConnection.WatchInterval);
        var escaped = await Record.ExceptionAsync(() => watching);

        Assert.Null(escaped);
        Assert.False(bound.IsCancellationRequested, "the watch only ended when the test's bound cut it");
        var outage = Assert.Single(logger.Collector.GetSnapshot(), log => log.Level == LogLevel.Warning);
        Assert.Contains("the connection was closed", outage.Message, StringComparison.Ordinal);
    }

    /// <summary>An interface whose every call is answered by one function.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1852", Justification = "DispatchProxy derives its proxy type from it")]
    private class Stand : DispatchProxy
    {
        private Func<MethodInfo, object?> answer = _ => null;

        public static T In<T>(Func<MethodInfo, object?> answer) where T : class
        {
            var proxy = Create<T, Stand>();
            ((Stand)(object)proxy).answer = answer;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => answer(targetMethod!);
    }
}
