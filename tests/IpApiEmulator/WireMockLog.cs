using WireMock.Logging;
using WireMock.Server;

namespace RazorIpInfo.Tests.Infrastructure;

/// <summary>What a WireMock listener has received, read so that a request still being logged cannot break the count.</summary>
public static class WireMockLog
{
    /// <summary>
    /// A copy of the server's request log in which every entry is whole. WireMock adds to its log from the thread
    /// that answered while a test may be counting, and a count of upstream calls once failed with a
    /// NullReferenceException (one of ten quiet suite runs; its only dereference that can meet null is an entry or
    /// its request). The copy is taken again until it is whole, which it is once the entry being added is in.
    /// </summary>
    public static IReadOnlyList<ILogEntry> Received(this WireMockServer server)
    {
        var spin = new SpinWait();
        while (true)
        {
            ILogEntry[] entries = [.. server.LogEntries];
            if (Array.TrueForAll(entries, entry => entry?.RequestMessage is not null) || spin.Count > 1_000)
            {
                return [.. entries.Where(entry => entry?.RequestMessage is not null)];
            }

            spin.SpinOnce();
        }
    }
}
