using System.Globalization;

namespace RazorIpInfo.Tests.Infrastructure;

/// <summary>
/// The emulator as a program, for bench/run.sh and tests/e2e/scale-out.sh:
/// <c>IpApiEmulator [--port N] [--latency MS]</c>. Port 0 (the default) takes a free port. It prints the URL it
/// listens on as its first line, answers every address after the latency, and says at <c>GET /__count</c> how
/// many lookups it has answered, so that a script can compare upstream calls with the addresses it asked for.
/// </summary>
internal static class EmulatorProgram
{
    private static int Main(string[] args)
    {
        var port = 0;
        var latency = TimeSpan.Zero;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--port" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var p) && p is >= 0 and <= 65535:
                    port = p;
                    i++;
                    break;
                case "--latency" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var ms) && ms >= 0:
                    latency = TimeSpan.FromMilliseconds(ms);
                    i++;
                    break;
                default:
                    Console.Error.WriteLine("Usage: IpApiEmulator [--port N (0: a free port)] [--latency MS]");
                    return 2;
            }
        }

        using var emulator = IpApiEmulator.StartStandalone(port, latency);
        Console.WriteLine(emulator.Url);
        Console.Out.Flush();

        using var stop = new ManualResetEventSlim();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Set(); };
        AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Set();
        stop.Wait();
        return 0;
    }
}
