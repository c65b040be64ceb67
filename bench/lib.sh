# Shared by the bench scripts (sourced, not run): free loopback ports and waiting for a server to answer.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# Up to 30 s for the URL to answer with a success status.
wait_for() { for _ in $(seq 1 150); do curl -sf -o /dev/null "$1" && return 0; sleep 0.2; done; echo "not up: $1" >&2; exit 1; }
# CPU time (user + system, in clock ticks: getconf CLK_TCK) of a process and its children (nginx's workers).
cpu_ticks() { local total=0 pid; for pid in "$1" $(pgrep -P "$1"); do
  total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done; echo "$total"; }
# A scratch folder ($work) and the servers a script starts in the background ($pids), all gone when it exits.
use_scratch() {
  work=$(mktemp -d); pids=()
  trap 'for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"' EXIT
}
