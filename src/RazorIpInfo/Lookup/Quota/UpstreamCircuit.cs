using Polly.CircuitBreaker;

namespace RazorIpInfo.Lookup.Quota;

/// <summary>
/// One upstream endpoint's health as this instance has seen it: the state of its circuit breaker and its last
/// call (for /readyz), and the outage under way, if any, with its reason. The reason outlives the failure that
/// set it: while the circuit is open no call is made, and "cannot reach" must not turn into "usually brief" on
/// a machine that will never reach the upstream.
/// </summary>
public sealed class UpstreamCircuit(TimeProvider clock)
{
    private UpstreamCall? lastCall;
    private UpstreamOutage? outage;

    public CircuitBreakerStateProvider State { get; } = new();

    public bool IsOpen => State.CircuitState is CircuitState.Open or CircuitState.Isolated;

    /// <summary>The last attempt this instance sent upstream, or null before the first.</summary>
    public UpstreamCall? LastCall => Volatile.Read(ref lastCall);

    /// <summary>The outage under way: since the first failure after the last answer.</summary>
    public UpstreamOutage? Outage => Volatile.Read(ref outage);

    /// <summary>Notes an attempt's end: the upstream's status code, or null when no answer came.</summary>
    public void Record(int? status) => Volatile.Write(ref lastCall, new UpstreamCall(clock.GetUtcNow(), status));

    /// <summary>A lookup failed for <paramref name="reason"/>. True when this starts an outage, or changes its reason.</summary>
    public bool Failed(UnavailableReason reason)
    {
        var now = clock.GetUtcNow();
        while (true)
        {
            var current = Volatile.Read(ref outage);
            if (current is not null && current.Reason == reason)
            {
                return false;
            }

            var next = new UpstreamOutage(current?.Since ?? now, reason);
            if (Interlocked.CompareExchange(ref outage, next, current) == current)
            {
                return true;
            }
        }
    }

    /// <summary>The upstream answered. Returns the outage this ends, for the one line that says it is over.</summary>
    public UpstreamOutage? Answered() => Interlocked.Exchange(ref outage, null);

    /// <summary>How long the outage has lasted.</summary>
    public TimeSpan Duration(UpstreamOutage ended) => clock.GetUtcNow() - ended.Since;
}

public sealed record UpstreamCall(DateTimeOffset At, int? Status);

public sealed record UpstreamOutage(DateTimeOffset Since, UnavailableReason Reason);
