using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace RazorIpInfo.Tests.Infrastructure;

/// <summary>
/// A real, throw-away redis-server on a free loopback port, without persistence. It can be killed
/// and started again on the same port to play an outage.
/// </summary>
public sealed class RedisServer : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("razor-ip-info-redis-").FullName;

    private RedisServer(int port) => Port = port;

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    private string PidFile => Path.Combine(directory, "redis.pid");

    public static RedisServer Start()
    {
        var server = new RedisServer(FreePort());
        server.Launch();
        return server;
    }

    /// <summary>Kills the server without letting it say goodbye, as a crash or a network cut would.</summary>
    public void Kill()
    {
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
    public void Pause() => Signal("STOP");

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
    public void Restart() => Launch();

    /// <summary>The names of the lookup cache's entries (not the upstream budget's key).</summary>
    public IReadOnlyList<string> Keys() => KeysMatching("ipinfo:v1:*").Where(key => !key.StartsWith("ipinfo:v1:quota:", StringComparison.Ordinal)).ToList();

    public IReadOnlyList<string> KeysMatching(string pattern)
    {
        using var connection = ConnectionMultiplexer.Connect(ConnectionString);
        return [.. connection.GetServer(ConnectionString).Keys(pattern: pattern).Select(key => key.ToString())];
    }

    public void Dispose()
    {
        connection?.Dispose();
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
            "--appendonly", "no", "--daemonize", "yes", "--pidfile", PidFile, "--dir", directory,
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
