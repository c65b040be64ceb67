using Polly.CircuitBreaker;

namespace RazorIpInfo.Lookup.Quota;

/// <summary>Lets /readyz see the state of the upstream's circuit breaker and how its last call went.</summary>
public sealed class UpstreamCircuit(TimeProvider clock)
{
    private UpstreamCall? lastCall;

    public CircuitBreakerStateProvider State { get; } = new();

    public bool IsOpen => State.CircuitState is CircuitState.Open or CircuitState.Isolated;

    /// <summary>The last attempt this instance sent upstream, or null before the first.</summary>
    public UpstreamCall? LastCall => Volatile.Read(ref lastCall);

    /// <summary>Notes an attempt's end: the upstream's status code, or null when no answer came.</summary>
    public void Record(int? status) => Volatile.Write(ref lastCall, new UpstreamCall(clock.GetUtcNow(), status));
}

public sealed record UpstreamCall(DateTimeOffset At, int? Status);
