using System.Runtime.CompilerServices;
using Microsoft.Win32.SafeHandles;

namespace RazorIpInfo.Tests.Infrastructure;

/// <summary>
/// Every WireMock server sets <see cref="Console.OutputEncoding"/> as it starts (its console logger is built
/// whatever the settings say). The setter flushes Console.Out and Console.Error while it holds the console's own
/// lock, and a Console.Error.WriteLine that is running meanwhile (the site's configuration errors, written by
/// in-process hosts) holds the writer and then asks for that lock: a full run hung there once, for good.
/// The setter leaves alone writers a program set itself, so the tests set their own, which write straight to the
/// process's standard output and error without going through the console's state.
/// </summary>
internal static class ConsoleWriters
{
#pragma warning disable CA2255 // a test assembly's one-time set-up, before any test starts a server or a host
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void WriteStraightToTheStandardStreams()
    {
        Console.SetOut(Straight(1));
        Console.SetError(Straight(2));
    }

    private static StreamWriter Straight(int descriptor) =>
        new(new FileStream(new SafeFileHandle(descriptor, ownsHandle: false), FileAccess.Write, bufferSize: 0)) { AutoFlush = true };
}
