#!/usr/bin/env bash
# A new instance's first seconds: start the site, wait until /readyz says ready, then load the page at once and
# count the requests/s of each second for the first SECONDS seconds. Once with the warm-up off
# (WarmUp:Enabled=false: ready as soon as it listens), once with it on (ready once it has served its own hot
# paths), from the same publish, one after the other. The last row of each curve is the instance's steady
# rate; the goal (issue 31) is ≥ 70 % of it within the first 5 s.
# Needs dotnet, wrk, curl, python3. Knobs: SECONDS_AFTER_READY (20), CONNECTIONS (32), THREADS (2),
# LATENCY_MS (50), URL_PATH (/), MODES ("off on"), PUBLISH_ARGS (extra `dotnet publish` arguments, e.g.
# "-r linux-x64 --self-contained false -p:PublishReadyToRun=true" for code compiled ahead of time).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
window=${SECONDS_AFTER_READY:-20}
connections=${CONNECTIONS:-32}
threads=${THREADS:-2}
latency_ms=${LATENCY_MS:-50}
url_path=${URL_PATH:-/}
modes=${MODES:-off on}
source "$repo/bench/lib.sh"
use_scratch

echo "== building" >&2
# shellcheck disable=SC2086 # PUBLISH_ARGS is a list of arguments
dotnet publish "$repo/src/RazorIpInfo" -c Release -o "$work/site" -nologo -v q ${PUBLISH_ARGS:-} >/dev/null
dotnet build "$repo/tests/IpApiEmulator" -c Release -o "$work/upstream" -nologo -v q >/dev/null

upstream_port=$(free_port)
dotnet "$work/upstream/IpApiEmulator.dll" --port "$upstream_port" --latency "$latency_ms" >"$work/upstream.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$upstream_port/__count"

browser=(-H 'X-Forwarded-For: 8.8.8.8' -H 'Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8')
declare -A curves
for mode in $modes; do
  enabled=$([ "$mode" = on ] && echo true || echo false)
  port=$(free_port); site="http://127.0.0.1:$port"
  started=$(date +%s.%N)
  (cd "$work/site" && exec env ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS="$site" WarmUp__Enabled="$enabled" \
    RateLimits__LookupsPerMinute=10000000 RateLimits__OwnCardPerMinute=10000000 RateLimits__ConcurrentRequestsPerClient=100000 \
    IpApi__RequestsPerMinute=0 \
    IpApi__BaseUrl="http://127.0.0.1:$upstream_port" Tor__ExitListUrl= Rdap__BootstrapBaseUrl= Lookup__Providers__0=ip-api \
    dotnet RazorIpInfo.dll) >"$work/site-$mode.log" 2>&1 &
  site_pid=$!; pids+=($site_pid)
  # Ready means /readyz answers 200 (Degraded included); up to 90 s.
  for _ in $(seq 1 900); do curl -sf -o /dev/null "$site/readyz" && break; sleep 0.1; done
  ready=$(date +%s.%N)
  curve=()
  for _ in $(seq 1 "$window"); do
    out=$(wrk -t "$threads" -c "$connections" -d 1s -s "$repo/bench/wrk.lua" "${browser[@]}" "$site$url_path" | grep '^RESULT')
    eval "${out#RESULT }"
    curve+=("$(python3 -c "print(f'{$requests / $seconds:.0f}')")")
  done
  curves[$mode]="$(python3 -c "print(f'{$ready - $started:.1f}')") ${curve[*]}"
  kill "$site_pid"; wait "$site_pid" 2>/dev/null || true
done

python3 - "$window" "$url_path" "${modes}" "$(for m in $modes; do echo "${curves[$m]}"; done)" <<'PY'
import sys
seconds, path, modes, rows = int(sys.argv[1]), sys.argv[2], sys.argv[3].split(), sys.argv[4].splitlines()
print(f"# Cold instance, GET {path}, requests/s in each second after /readyz said ready\n")
print("| second | " + " | ".join(f"warm-up {m}" for m in modes) + " |")
print("|---:|" + "---:|" * len(modes))
data = [row.split() for row in rows]
print("| start → ready, s | " + " | ".join(d[0] for d in data) + " |")
for s in range(seconds):
    print(f"| {s + 1} | " + " | ".join(d[1 + s] for d in data) + " |")
for mode, d in zip(modes, data):
    curve = [float(x) for x in d[1:]]
    steady = max(sum(curve[-3:]) / 3, 1)
    first5 = sum(curve[:5]) / 5
    print(f"\nwarm-up {mode}: first 5 s average {first5:.0f} req/s = {100 * first5 / steady:.0f} % of the last 3 s ({steady:.0f})")
PY
