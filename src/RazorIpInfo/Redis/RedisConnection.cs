using StackExchange.Redis;

namespace RazorIpInfo.Redis;

/// <summary>
/// The process's one Redis connection, shared by the lookup cache's second level, the upstream budget
/// and /readyz. It is opened at start-up, before the server takes requests, and closed at shutdown.
/// </summary>
/// <remarks>
/// "Is Redis down?" has one answer, <see cref="IsAvailable"/>, with one log line for each outage and one for
/// each recovery. It follows the client's own ConnectionFailed/ConnectionRestored events, which cover a
/// server that is gone (commands then fail at once, <see cref="BacklogPolicy.FailFast"/>, instead of
/// queueing). A server that hangs keeps its connection open and raises no event, so a PING every
/// <see cref="WatchInterval"/> covers that case: two in a row unanswered within <see cref="WatchTimeout"/>
/// (one could be a busy moment here, not there), Redis counts as down, and callers stop asking it instead
/// of each waiting out a timeout.
/// </remarks>
public sealed partial class RedisConnection : IHostedLifecycleService, IAsyncDisposable
{
    public const string ConnectionStringName = "Redis";

    /// <summary>The longest a Redis command may take before it counts as failed.</summary>
    internal static readonly TimeSpan CommandTimeout = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest a connection attempt may take, at start-up or reconnecting.</summary>
    internal static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(1);

    internal static readonly TimeSpan WatchInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// The clock of the watch: its PING interval and its wait for an answer. The host's clock unless a test
    /// replaces this key, so that a hang is noticed when the test moves time, not after a real second. The client's
    /// own timeouts and reconnects keep their own clock.
    /// </summary>
    public const string ClockKey = "redis-watch-clock";

    // Well above a loopback or same-zone round trip even on a busy machine, well below what a visitor notices.
    internal static readonly TimeSpan WatchTimeout = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource stopping = new();
    private Task watching = Task.CompletedTask;
    private readonly ConfigurationOptions? options;
    private readonly ILogger<RedisConnection> logger;
    private readonly TimeProvider clock;
    private readonly TaskCompletionSource<IConnectionMultiplexer> connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IConnectionMultiplexer? multiplexer;
    private int down;

    public RedisConnection(IConfiguration configuration, ILogger<RedisConnection> logger, [FromKeyedServices(ClockKey)] TimeProvider clock)
    {
        this.logger = logger;
        this.clock = clock;
        var connectionString = configuration.GetConnectionString(ConnectionStringName);
        options = TryOptions(connectionString);
    }

    /// <summary>Whether <c>ConnectionStrings:Redis</c> is set; without it every instance keeps to itself.</summary>
    public bool IsConfigured => options is not null;

    /// <summary>The connection, once start-up has opened it; null before, or when Redis is not configured.</summary>
    public IConnectionMultiplexer? Multiplexer => Volatile.Read(ref multiplexer);

    /// <summary>True while Redis is configured and connected: the one definition of "Redis is up".</summary>
    public bool IsAvailable => Multiplexer is { IsConnected: true } && Volatile.Read(ref down) == 0;

    /// <summary>
    /// The connection for <c>RedisCacheOptions.ConnectionMultiplexerFactory</c>: already open after start-up,
    /// and never a second connection.
    /// </summary>
    public Task<IConnectionMultiplexer> GetMultiplexerAsync() => connected.Task;

    /// <summary>
    /// The options for a connection string, or null when it is unset or not one the client can use. Start-up
    /// stops with the key named in the latter case (AddRedis), before anything would connect.
    /// </summary>
    internal static ConfigurationOptions? TryOptions(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return null;
        }

        try
        {
            var options = Options(connectionString);
            return options.EndPoints.Count > 0 ? options : null;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or NotSupportedException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>
    /// Whatever the connection string says (a single server, Sentinel with serviceName=…, a cluster's nodes),
    /// Redis may never hold a request up for long nor stop the site from starting.
    /// </summary>
    internal static ConfigurationOptions Options(string connectionString)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ConnectTimeout = Math.Min(options.ConnectTimeout, (int)ConnectTimeout.TotalMilliseconds);
        options.SyncTimeout = Math.Min(options.SyncTimeout, (int)CommandTimeout.TotalMilliseconds);
        options.AsyncTimeout = Math.Min(options.AsyncTimeout, (int)CommandTimeout.TotalMilliseconds);
        // Timeouts are noticed on the heartbeat: at the default 1 s, a hung server held a command for up to
        // 1.2 s. A short beat keeps a hang's cost near the timeout, and finds a silent connection dead sooner.
        options.HeartbeatInterval = TimeSpan.FromMilliseconds(100);
        options.ConnectRetry = 1;
        // The client retries on its own; a short ceiling brings a restarted server back within seconds.
        options.ReconnectRetryPolicy = new ExponentialRetry(deltaBackOffMilliseconds: 250, maxDeltaBackOffMilliseconds: 2000);
        return options;
    }

    // Before the server starts listening, so that no request ever waits for the connection.
    async Task IHostedLifecycleService.StartingAsync(CancellationToken cancellationToken)
    {
        if (options is null)
        {
            return;
        }

        // AbortOnConnectFail=false: this returns after ConnectTimeout even when Redis is unreachable, and
        // the client keeps trying in the background.
        var connection = await ConnectionMultiplexer.ConnectAsync(options);
        connection.ConnectionFailed += OnConnectionFailed;
        connection.ConnectionRestored += OnConnectionRestored;
        Volatile.Write(ref multiplexer, connection);
        if (!connection.IsConnected)
        {
            MarkDown("not reachable at start-up");
        }
        else
        {
            LogConnected(logger);
        }

        connected.TrySetResult(connection);
        watching = WatchAsync(connection, stopping.Token);
    }

    internal async Task WatchAsync(IConnectionMultiplexer connection, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(WatchInterval, clock);
        var unanswered = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                if (!connection.IsConnected)
                {
                    continue; // ConnectionFailed has said so; ConnectionRestored will say when it is back.
                }

                try
                {
                    await connection.GetDatabase().PingAsync().WaitAsync(WatchTimeout, clock, cancellationToken);
                    unanswered = 0;
                    MarkUp(connection);
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException)
                {
                    if (++unanswered >= 2)
                    {
                        MarkDown($"no answer to two PINGs within {WatchTimeout.TotalMilliseconds} ms");
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
        catch (ObjectDisposedException)
        {
            // Closed under the watcher between IsConnected and the PING (RedisCache closes the connection it was
            // handed when it is disposed, for one): no command can run on it again. Left to escape, it failed
            // the host's shutdown, which awaits this task.
            MarkDown("the connection was closed");
        }
    }

    // Only the connection that carries commands counts. The client also keeps a subscription connection, which
    // this site never uses: counted, its loss alone logged an outage and a recovery (and most likely made one
    // killed server two outages in a full test run).
    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Interactive)
        {
            MarkDown($"{e.FailureType}: {e.Exception?.Message}");
        }
    }

    // One event per connection (commands, subscriptions); MarkUp ends the outage only once commands can run.
    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e) => MarkUp(Multiplexer);

    private void MarkUp(IConnectionMultiplexer? connection)
    {
        if (connection is { IsConnected: true } && Interlocked.Exchange(ref down, 0) == 1)
        {
            LogRestored(logger);
        }
    }

    private void MarkDown(string reason)
    {
        if (Interlocked.Exchange(ref down, 1) == 0)
        {
            LogDown(logger, reason);
        }
    }

    public async ValueTask DisposeAsync()
    {
        connected.TrySetCanceled();
        if (!stopping.IsCancellationRequested)
        {
            await stopping.CancelAsync();
            await watching;
        }

        if (Interlocked.Exchange(ref multiplexer, null) is { } connection)
        {
            connection.ConnectionFailed -= OnConnectionFailed;
            connection.ConnectionRestored -= OnConnectionRestored;
            await connection.DisposeAsync();
        }
    }

    Task IHostedService.StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    Task IHostedLifecycleService.StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    Task IHostedLifecycleService.StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    Task IHostedService.StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // After the server has drained its requests: nothing uses the connection any more.
    Task IHostedLifecycleService.StoppedAsync(CancellationToken cancellationToken) => DisposeAsync().AsTask();

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis connected; the lookup cache and the upstream budget are shared with other instances")]
    private static partial void LogConnected(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis is unavailable ({Reason}); each instance uses its own cache and upstream budget until it returns")]
    private static partial void LogDown(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis is available again; the cache and the upstream budget are shared again")]
    private static partial void LogRestored(ILogger logger);
}
