using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace RazorIpInfo.Tests.Infrastructure;

/// <summary>
/// A real redis-server on a free loopback port, without persistence: either one of a test's own, which it can kill,
/// freeze and start again on the same port to play an outage (<see cref="Start"/>), or a database of its own on the
/// one server the whole test run shares (<see cref="Shared"/>), for tests that only read and write.
/// </summary>
public sealed class RedisServer : IDisposable
{
    private readonly string directory;

    /// <summary>The database this instance's connection string selects: 0 on a server of its own.</summary>
    private readonly int database;

    private readonly bool shared;

    private RedisServer(int port, string directory, int database, bool shared)
    {
        Port = port;
        this.directory = directory;
        this.database = database;
        this.shared = shared;
    }

    public int Port { get; }

    public string ConnectionString => database == 0 ? $"127.0.0.1:{Port}" : $"127.0.0.1:{Port},defaultDatabase={database}";

    private string PidFile => Path.Combine(directory, "redis.pid");

    public static RedisServer Start()
    {
        var server = new RedisServer(FreePort(), Directory.CreateTempSubdirectory("razor-ip-info-redis-").FullName, database: 0, shared: false);
        server.Launch();
        return server;
    }

    /// <summary>Databases of the shared server; each <see cref="Shared"/> takes the next, so tests never see each other's keys.</summary>
    private const int SharedDatabases = 4096;

    private static readonly Lazy<RedisServer> SharedServer = new(() =>
    {
        var server = Start();
        // The server outlives every test that uses it, and redis-server runs detached: it goes with the test process.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Dispose();
        return server;
    });

    private static int sharedDatabasesTaken;

    /// <summary>
    /// A database of its own on the server the whole test run shares: one redis-server per run instead of one per
    /// test. It cannot be killed, frozen or restarted (the other tests' databases are on it); a test that plays an
    /// outage starts a server of its own.
    /// </summary>
    public static RedisServer Shared()
    {
        var server = SharedServer.Value;
        var database = 1 + (Interlocked.Increment(ref sharedDatabasesTaken) % (SharedDatabases - 1));
        return new RedisServer(server.Port, server.directory, database, shared: true);
    }

    /// <summary>Kills the server without letting it say goodbye, as a crash or a network cut would.</summary>
    public void Kill()
    {
        RefuseIfShared();
        if (!File.Exists(PidFile))
        {
            return;
        }

        var pid = int.Parse(File.ReadAllText(PidFile).Trim(), CultureInfo.InvariantCulture);
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
        }
        catch (ArgumentException)
        {
            // Already gone.
        }

        File.Delete(PidFile);
        WaitUntil(accepting: false);
    }

    /// <summary>
    /// Freezes the server (SIGSTOP): connections stay open but nothing is answered, as with a server stuck
    /// on a slow disk or a network that drops packets without closing anything.
    /// </summary>
    public void Pause()
    {
        RefuseIfShared();
        Signal("STOP");
    }

    /// <summary>Lets a <see cref="Pause"/>d server run again (SIGCONT).</summary>
    public void Resume() => Signal("CONT");

    private void Signal(string signal)
    {
        if (!File.Exists(PidFile))
        {
            return;
        }

        var pid = File.ReadAllText(PidFile).Trim();
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-" + signal, pid }, UseShellExecute = false })!;
        kill.WaitForExit();
    }

    /// <summary>A connection for a test to read or plant data with, as another program would.</summary>
    public IDatabase Database() => (connection ??= ConnectionMultiplexer.Connect(ConnectionString + ",abortConnect=false")).GetDatabase();

    private ConnectionMultiplexer? connection;

    /// <summary>Starts a fresh, empty server on the same port.</summary>
    public void Restart()
    {
        RefuseIfShared();
        Launch();
    }

    private void RefuseIfShared()
    {
        if (shared)
        {
            throw new InvalidOperationException("The shared redis-server holds other tests' databases: start one of the test's own (RedisServer.Start()) to stop it.");
        }
    }

    /// <summary>The names of the lookup cache's entries (not the upstream budget's key).</summary>
    public IReadOnlyList<string> Keys() => KeysMatching("ipinfo:v1:*").Where(key => !key.StartsWith("ipinfo:v1:quota:", StringComparison.Ordinal)).ToList();

    public IReadOnlyList<string> KeysMatching(string pattern)
    {
        using var connection = ConnectionMultiplexer.Connect(ConnectionString);
        return [.. connection.GetServer($"127.0.0.1:{Port}").Keys(database, pattern: pattern).Select(key => key.ToString())];
    }

    public void Dispose()
    {
        connection?.Dispose();
        if (shared)
        {
            return;
        }

        Resume();
        Kill();
        Directory.Delete(directory, recursive: true);
    }

    private void Launch()
    {
        var executable = FindRedisServer() ?? throw new InvalidOperationException(
            "redis-server is not installed, so the cache tests cannot run. Install it (apt-get install redis-server) " +
            "or run .ci/run, which does." +
            (Environment.GetEnvironmentVariable("CI") == "true" ? " CI must run these tests." : ""));

        var start = new ProcessStartInfo(executable) { WorkingDirectory = directory, UseShellExecute = false };
        foreach (var argument in new[]
        {
            "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--databases", SharedDatabases.ToString(CultureInfo.InvariantCulture), "--daemonize", "yes", "--pidfile", PidFile, "--dir", directory,
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var launcher = Process.Start(start)!;
        launcher.WaitForExit();
        if (launcher.ExitCode != 0)
        {
            throw new InvalidOperationException($"redis-server exited with {launcher.ExitCode}.");
        }

        WaitUntil(accepting: true);
    }

    private void WaitUntil(bool accepting)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (IsAccepting() == accepting)
            {
                return;
            }

            Thread.Sleep(50);
        }

        throw new TimeoutException($"redis-server on port {Port} did not {(accepting ? "start" : "stop")}.");
    }

    private bool IsAccepting()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static string? FindRedisServer() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Append("/usr/bin").Append("/usr/sbin")
            .Select(folder => Path.Combine(folder, "redis-server"))
            .FirstOrDefault(File.Exists);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
