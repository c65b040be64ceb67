// The offline network data's cost: how long the index takes to build, the memory it holds, and what
// one lookup costs (time and bytes allocated), measured in one run so the figures compare.
//   dotnet run -c Release --project bench/asn-lookup [-- data/asn]
// Reads the real files fetched by scripts/fetch-asn.sh; not a test, run on demand.

using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RazorIpInfo.Lookup.Networks;

var directory = Path.GetFullPath(args.Length > 0 ? args[0] : Path.Combine(FindRoot(), "data", "asn"));
const int Lookups = 2_000_000;

// Memory held by the index: the managed heap after a full collection, before and after building it.
var heapBefore = HeapAfterCollection();
var started = Stopwatch.GetTimestamp();
NetworkTable<uint> ipv4;
NetworkTable<UInt128> ipv6;
using (var reader = File.OpenText(Path.Combine(directory, NetworkOptions.Ipv4File)))
{
    ipv4 = NetworkTable.Read<uint>(reader);
}

using (var reader = File.OpenText(Path.Combine(directory, NetworkOptions.Ipv6File)))
{
    ipv6 = NetworkTable.Read<UInt128>(reader);
}

var build = Stopwatch.GetElapsedTime(started);
var heapAfter = HeapAfterCollection();
Console.WriteLine($"index: {ipv4.Count:N0} IPv4 + {ipv6.Count:N0} IPv6 ranges, {ipv4.HolderCount + ipv6.HolderCount:N0} holders; built in {build.TotalMilliseconds:N0} ms; managed heap +{(heapAfter - heapBefore) / 1048576.0:N1} MB");

// Addresses spread over the whole space, so the binary search takes its usual number of steps.
var random = new Random(18);
var v4 = new uint[4096];
var v6 = new UInt128[4096];
for (var i = 0; i < v4.Length; i++)
{
    v4[i] = (uint)random.NextInt64(0x01000000, 0xE0000000);
    v6[i] = ((UInt128)(0x2000_0000_0000_0000UL | (ulong)random.NextInt64() >> 3) << 64) | (ulong)random.NextInt64();
}

var found = 0;
Measure("table lookup, IPv4 (TryFind)", () =>
{
    for (var i = 0; i < Lookups; i++)
    {
        found += ipv4.TryFind(v4[i & 4095], out _) ? 1 : 0;
    }
});
Measure("table lookup, IPv6 (TryFind)", () =>
{
    for (var i = 0; i < Lookups; i++)
    {
        found += ipv6.TryFind(v6[i & 4095], out _) ? 1 : 0;
    }
});

// What the site does per answer: IPAddress in, AS + organisation + CIDR prefix string out.
var networks = new NetworkDatabase(Options.Create(new NetworkOptions { Directory = directory, ReloadCheckInterval = TimeSpan.FromHours(1) }),
    new HostingEnvironment { ContentRootPath = directory }, TimeProvider.System, NullLogger<NetworkDatabase>.Instance);
var addresses = v4.Take(2048).Select(a => new IPAddress(BitConverter.IsLittleEndian ? System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(a) : a)).ToArray();
networks.Find(addresses[0]); // loads the files
Measure("site lookup with prefix (NetworkDatabase.Find), IPv4", () =>
{
    for (var i = 0; i < Lookups / 4; i++)
    {
        found += networks.Find(addresses[i & 2047]) is null ? 0 : 1;
    }
}, Lookups / 4);

Console.WriteLine($"({found:N0} hits)");
return;

static void Measure(string name, Action loop, int count = Lookups)
{
    loop(); // warm-up: JIT tiers settle
    var allocated = GC.GetAllocatedBytesForCurrentThread();
    var started = Stopwatch.GetTimestamp();
    loop();
    var elapsed = Stopwatch.GetElapsedTime(started);
    allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
    Console.WriteLine($"{name}: {elapsed.TotalNanoseconds / count:N0} ns per lookup, {(double)allocated / count:N1} bytes allocated per lookup");
}

static long HeapAfterCollection()
{
    GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
    GC.WaitForPendingFinalizers();
    GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
    return GC.GetTotalMemory(forceFullCollection: true);
}

static string FindRoot()
{
    for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
    {
        if (File.Exists(Path.Combine(folder.FullName, "RazorIpInfo.sln")))
        {
            return folder.FullName;
        }
    }

    return Directory.GetCurrentDirectory();
}
