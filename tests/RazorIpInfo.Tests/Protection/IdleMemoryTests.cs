using RazorIpInfo.Protection;

namespace RazorIpInfo.Tests.Protection;

public sealed class IdleMemoryTests
{
    private const long MB = 1024 * 1024;

    public static TheoryData<string, int, long, bool> Ticks => new()
    {
        // what happened since the last tick, collections now, MB allocated since the last trim, trim?
        { "a flood's garbage and then silence", 40, 60, true },
        { "requests still being served (the collector ran)", 41, 60, false },
        { "silence, but too little allocated to matter", 40, 15, false },
        { "silence after exactly enough", 40, 16, true },
    };

    [Theory]
    [MemberData(nameof(Ticks))]
    public void MemoryIsGivenBackOnlyOnceTheSiteIsQuietAfterAllocatingEnough(string situation, int collectionsNow, long mbSinceTrim, bool trims)
    {
        var lastTick = new IdleMemory.Reading(Collections: 40, AllocatedBytes: 500 * MB);
        var now = new IdleMemory.Reading(collectionsNow, AllocatedBytes: 500 * MB + mbSinceTrim * MB);

        Assert.True(trims == IdleMemory.ShouldTrim(lastTick, now, allocatedAtLastTrim: 500 * MB), situation);
    }
}
