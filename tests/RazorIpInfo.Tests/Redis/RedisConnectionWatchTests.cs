using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using RazorIpInfo.Redis;
using StackExchange.Redis;

namespace RazorIpInfo.Tests.Redis;

/// <summary>
/// The watcher's PING meeting a connection closed under it: a race a real server cannot be made to lose on
/// demand (it lost it once in a full run, and the host's shutdown failed), so the connection here is a stand-in
/// that says it is connected and refuses every command as a closed one does.
/// </summary>
public sealed class RedisConnectionWatchTests
{
    [Fact]
    public async Task AConnectionClosedUnderTheWatcherEndsTheWatchWithAnOutageNotAnException()
    {
        var logger = new FakeLogger<RedisConnection>();
        var redis = new RedisConnection(new ConfigurationBuilder().Build(), logger);
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
