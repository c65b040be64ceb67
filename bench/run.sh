#!/usr/bin/env bash
# Benchmarks the published site on loopback: see docs/performance.md. Needs dotnet, redis-server,
# wrk, curl, python3 (and perf with PROFILE=1). Knobs: DURATION (10s), CONNECTIONS (32), THREADS (2),
# LATENCY_MS (50), MISSES (10000), MISS_DURATION (25s), WARMUP_ROUNDS (15), PROFILE (unset).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
duration=${DURATION:-10s}
connections=${CONNECTIONS:-32}
threads=${THREADS:-2}
latency_ms=${LATENCY_MS:-50}
misses=${MISSES:-10000}
# Long enough for every distinct address to be asked at 32 connections and 50 ms upstream latency.
miss_duration=${MISS_DURATION:-25s}
work=$(mktemp -d)
ceiling_src="$repo/src/RazorIpInfo/wwwroot/bench-ceiling.html"
results="$repo/bench/results"
mkdir -p "$results"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
report="$results/$stamp.md"
# PROFILE=1: perf (Debian's linux-perf) samples the site through scenario 1's measured run, with the
# runtime's perf map so that JIT-compiled .NET frames have names (which needs W^X off: perf cannot name
# code in the runtime's double-mapped pages); the summary lands next to the report. The profiler slows
# scenario 1, so a profiling run's figures are not for the table.
profiled="1. / full page, cache hit"
pids=()

cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; rm -f "/tmp/perf-$pid.map"; done
  wait 2>/dev/null || true
  rm -f "$ceiling_src"
  rm -rf "$work"
}
trap cleanup EXIT

source "$repo/bench/lib.sh"

redis_port=$(free_port); upstream_port=$(free_port); site_port=$(free_port)
site="http://127.0.0.1:$site_port"

echo "== building (Release)"
dotnet build "$repo/tests/IpApiEmulator" -c Release -o "$work/upstream" -nologo -v q >/dev/null
publish() { dotnet publish "$repo/src/RazorIpInfo" -c Release -o "$work/site" -nologo -v q >/dev/null; }
publish

redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no >"$work/redis.log" 2>&1 &
pids+=($!)
dotnet "$work/upstream/IpApiEmulator.dll" --port "$upstream_port" --latency "$latency_ms" >"$work/upstream.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$upstream_port/__count"

site_pid=
start_site() {
  (cd "$work/site" && exec env \
    ASPNETCORE_ENVIRONMENT=Production \
    ASPNETCORE_URLS="$site" \
    ConnectionStrings__Redis="127.0.0.1:$redis_port" \
    Cache__KeySecret="bench-key-secret-0123456789" \
    RateLimits__LookupsPerMinute=10000000 \
    RateLimits__ConcurrentRequestsPerClient=100000 \
    RateLimits__OwnCardPerMinute=10000000 \
    IpApi__RequestsPerMinute=0 \
    IpApi__BaseUrl="http://127.0.0.1:$upstream_port" Tor__ExitListUrl= Rdap__BootstrapBaseUrl= \
    Lookup__Providers__0=ip-api \
    ${PROFILE:+DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0} \
    dotnet RazorIpInfo.dll) >"$work/site.log" 2>&1 &
  site_pid=$!
  pids+=("$site_pid")
  wait_for "$site/healthz"
}
stop_site() { kill "$site_pid"; wait "$site_pid" 2>/dev/null || true; }

# The ceiling is a static file as big as the page, served by the same Kestrel through MapStaticAssets.
# MapStaticAssets serves only what the build manifest lists, so the file is written into the project's
# wwwroot, published, and deleted again: the page's size is known only once the site runs, hence two
# publishes (the second is incremental).
start_site
# curl's own User-Agent would get the text form of /; a browser's Accept gets the page.
browser=(-H 'X-Forwarded-For: 8.8.8.8' -H 'Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8')
page_bytes=$(curl -s "${browser[@]}" "$site/" | wc -c)
stop_site
python3 - "$ceiling_src" "$page_bytes" <<'PY'
import sys
path, size = sys.argv[1], int(sys.argv[2])
head, tail = "<!DOCTYPE html><html><head><title>ceiling</title></head><body><p>", "</p></body></html>\n"
open(path, "w").write(head + "x" * (size - len(head) - len(tail)) + tail)
PY
publish
rm -f "$ceiling_src"
start_site

clk_tck=$(getconf CLK_TCK)

# Warm-up, not measured: rounds of 3 s until the JIT is done, that is until a round compiles at most
# 20 methods (the runtime's own counter, on /metrics), and at most WARMUP_ROUNDS. Tiered compilation
# keeps recompiling hot methods for 15-30 s of load after start, and throughput can sit on a plateau
# meanwhile, so neither a fixed 3 s nor "two equal rounds" is warm (docs/performance.md).
warmup_rounds=${WARMUP_ROUNDS:-15}
jitted() { curl -s "$site/metrics" | awk '/^dotnet_jit_compiled_methods_total/ {print $2}'; }
warm_up() { # url [wrk args...]; sets warm_log
  local url=$1; shift
  local before after rps round
  warm_log=""
  for round in $(seq 1 "$warmup_rounds"); do
    before=$(jitted)
    rps=$(wrk -t "$threads" -c "$connections" -d 3s "$@" "$url" | awk '/^Requests\/sec/ {printf "%d", $2}')
    sleep 0.5 # the Prometheus exporter answers from a briefly cached scrape
    after=$(jitted)
    warm_log+="${warm_log:+, }$rps ($(( after - before )) jitted)"
    if [ $(( after - before )) -le 20 ]; then break; fi
  done
}

rows=()
warmups=()
allocated() { curl -s "$site/metrics" | awk '/^dotnet_gc_heap_total_allocated_bytes_total/ {print $2}'; }
measure() { # name, then the wrk command line; adds a row to the table
  local name=$1; shift
  echo 5 > "/proc/$site_pid/clear_refs" 2>/dev/null || true # resets VmHWM, so the peak is this scenario's
  local cpu_before alloc_before profiler=
  cpu_before=$(cpu_ticks "$site_pid"); alloc_before=$(allocated)
  if [ -n "${PROFILE:-}" ] && [ "$name" = "$profiled" ]; then
    perf record -F 299 -g -p "$site_pid" -o "$results/$stamp.perf.data" -- sleep "${duration%s}" >/dev/null 2>&1 &
    profiler=$!
  fi
  local out; out=$("$@" | grep '^RESULT')
  [ -n "$profiler" ] && wait "$profiler"
  local cpu; cpu=$(python3 -c "print(f'{($(cpu_ticks "$site_pid") - $cpu_before) / $clk_tck:.1f}')")
  local hwm; hwm=$(awk '/VmHWM/ {printf "%d", $2 / 1024}' "/proc/$site_pid/status")
  sleep 0.5 # the Prometheus exporter answers from a briefly cached scrape
  local alloc_after; alloc_after=$(allocated)
  eval "${out#RESULT }"
  local rps; rps=$(python3 -c "print(f'{$requests / $seconds:.0f}')")
  local kb; kb=$(python3 -c "print(f'{($alloc_after - $alloc_before) / $requests / 1024:.1f}')")
  rows+=("| $name | $rps | $(ms "$p50") | $(ms "$p99") | $(ms "$max") | $status_errors / $socket_errors | $cpu | $hwm | $kb |")
  echo "$name: $rps req/s, p99 $(ms "$p99") ms, $kb KB allocated per request"
  last_rps=$rps
}
run() { # name url [wrk args...]
  local name=$1 url=$2; shift 2
  warm_up "$url" "$@"
  warmups+=("$name: $warm_log")
  measure "$name" wrk -t "$threads" -c "$connections" -d "$duration" -s "$repo/bench/wrk.lua" "$@" "$url"
}
ms() { python3 -c "print(f'{$1 / 1000:.2f}')"; }

echo "== scenarios ($duration each, $connections connections, $threads threads, upstream latency ${latency_ms} ms)"
xff=(-H "X-Forwarded-For: 8.8.8.8")
curl -sf -o /dev/null "${browser[@]}" "$site/"
run "1. / full page, cache hit" "$site/" "${browser[@]}"; page_rps=$last_rps
run "2. card fragment (htmx)" "$site/?handler=Card&ip=8.8.8.8" "${xff[@]}" -H 'HX-Request: true'
run "3. /api/ip-info/8.8.8.8 JSON" "$site/api/ip-info/8.8.8.8"
upstream_before=$(curl -s "http://127.0.0.1:$upstream_port/__count")
# No warm-up for misses: it would spend the distinct addresses.
measure "4. /api/ip-info, cache misses" env BENCH_MISSES="$misses" BENCH_THREADS="$threads" \
  wrk -t "$threads" -c "$connections" -d "$miss_duration" -s "$repo/bench/wrk.lua" "$site/"
miss_distinct=$distinct
upstream_calls=$(( $(curl -s "http://127.0.0.1:$upstream_port/__count") - upstream_before ))
run "5. static file, same size (ceiling)" "$site/bench-ceiling.html"; ceiling_rps=$last_rps

# Page weight as a browser's first visit fetches it: the HTML and the CSS and JS it links, gzip.
gz() { curl -s -H 'Accept-Encoding: gzip' "$@" | wc -c; }
html=$(curl -s "${browser[@]}" "$site/")
weight_html=$(gz "${browser[@]}" "$site/")
weight_assets=0; asset_list=""
for asset in $(grep -oE '(href|src)="/[^"]+\.(css|js)"' <<<"$html" | sed -E 's/^(href|src)="//; s/"$//'); do
  weight_assets=$(( weight_assets + $(gz "$site$asset") )); asset_list+=" $asset"
done
weight_fragment=$(gz "${browser[@]}" -H 'HX-Request: true' "$site/?handler=Card&ip=8.8.8.8")
first_asset=$(awk '{print $1}' <<<"$asset_list")
asset_cache=$(curl -sI "$site$first_asset" | tr -d '\r' | grep -i '^cache-control' || true)

if [ -n "${PROFILE:-}" ]; then
  # Inclusive share of CPU samples per frame, this app's and ASP.NET Core's rendering frames only.
  perf report -i "$results/$stamp.perf.data" --stdio --children --sort sym -g none 2>/dev/null \
    | grep -E '^ +[0-9]' | grep -E 'RazorIpInfo|Razor|TagHelper|Localiz|Hybrid|Logging' \
    | sed -E 's/\[OptimizedTier1\]//; s/\(.*//' | head -40 >"$results/$stamp.profile.txt" || true
fi

ratio=$(python3 -c "print(f'{$page_rps / $ceiling_rps * 100:.0f}')")
{
  echo "# Benchmark $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
  echo "Headline: cache-hit page = **${ratio}%** of the static-file ceiling's requests/s (target ≥ 50%)."
  echo
  echo "wrk $duration per scenario after a warm-up (3 s rounds until one JIT-compiles at most 20 methods, at most $warmup_rounds), $connections connections, $threads threads; upstream latency ${latency_ms} ms; $(nproc) cores."
  echo
  echo "| Scenario | req/s | p50 ms | p99 ms | max ms | errors (≥400 / socket) | site CPU s | peak RSS MB | KB allocated / request |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "- Cache misses ($miss_duration): $upstream_calls upstream calls for $miss_distinct distinct addresses requested (one language)."
  if [ "$upstream_calls" -ne "$miss_distinct" ]; then
    echo "- **Warning: upstream calls ≠ distinct addresses**: misses were refused or served twice, so scenario 4 does not measure what it says (see its errors column)."
  fi
  echo "- Page: $page_bytes bytes uncompressed; ceiling file the same size."
  echo "- First load, gzip: HTML $weight_html B + CSS/JS $weight_assets B = $(( weight_html + weight_assets )) B ($asset_list )."
  echo "- Card fragment, gzip: $weight_fragment B."
  echo "- Fingerprinted asset $first_asset: $asset_cache"
  echo "- Warm-up rounds, req/s per 3 s and methods JIT-compiled in it (scenario 1's first round is a freshly started instance):"
  printf '  - %s\n' "${warmups[@]}"
  if [ -n "${PROFILE:-}" ]; then echo "- CPU profile of scenario 1: $results/$stamp.profile.txt (raw: $stamp.perf.data)"; fi
} | tee "$report"
echo "(written to $report)"
