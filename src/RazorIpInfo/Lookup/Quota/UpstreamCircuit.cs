using Polly.CircuitBreaker;

namespace RazorIpInfo.Lookup.Quota;

/// <summary>Lets /readyz see the state of the upstream's circuit breaker.</summary>
public sealed class UpstreamCircuit
{
    public CircuitBreakerStateProvider State { get; } = new();

    public bool IsOpen => State.CircuitState is CircuitState.Open or CircuitState.Isolated;
}
