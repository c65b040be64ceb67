using Microsoft.Extensions.Time.Testing;

namespace RazorIpInfo.Tests.Infrastructure;

/// <summary>Time that passes while a test waits for an answer: a fake clock moved in steps, and only when the test allows.</summary>
internal static class MovingClock
{
    public static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Waits for <paramref name="pending"/> while moving <paramref name="clock"/> one <see cref="Step"/> at a time
    /// whenever <paramref name="mayMove"/> says so (asked between polls), and never past <paramref name="upTo"/> in all;
    /// returns the answer and how far the clock moved. Whatever the code under test waits for on that clock passes in
    /// fake time. A caller decides when the clock may move: a timeout that ran before the upstream had even heard of the
    /// request would test the machine's speed, not the code. The real-time bound only turns an answer that never comes
    /// into a failure.
    /// </summary>
    public static async Task<(T Answer, TimeSpan Moved)> UntilAnsweredAsync<T>(
        this FakeTimeProvider clock, Task<T> pending, Func<bool> mayMove, TimeSpan? upTo = null)
    {
        var moved = TimeSpan.Zero;
        for (var bound = DateTime.UtcNow.AddSeconds(60); !pending.IsCompleted; await Task.WhenAny(pending, Task.Delay(5)))
        {
            if (DateTime.UtcNow > bound)
            {
                throw new TimeoutException($"No answer within 60 s of real time; the clock had moved {moved.TotalSeconds:0.0} s.");
            }

            if (mayMove() && moved + Step <= (upTo ?? TimeSpan.MaxValue))
            {
                clock.Advance(Step);
                moved += Step;
            }
        }

        return (await pending, moved);
    }
}
