#!/usr/bin/env bash
# Two builds of the site in one run: BASE (a git ref, by default where this branch left main) and the working
# tree, each a Release publish running as one production instance, beside bench/BareKestrel (one line; the
# page's bytes from memory). Every path is loaded in alternating rounds (base, this tree, bare Kestrel), and
# each server's CPU time per request is read from /proc: the goals of issue 31 are that CPU as a multiple of
# bare Kestrel's in the same run. Medians of the rounds are printed and written to bench/results/.
# Needs dotnet, wrk, curl, python3, git. Knobs: BASE (merge-base with main), ROUNDS (3), DURATION (6s),
# CONNECTIONS (32), THREADS (2), WARMUP (15s per path, after which the JIT has settled), LATENCY_MS (50).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
base=${BASE:-$(git -C "$repo" merge-base HEAD main)}
rounds=${ROUNDS:-3}
duration=${DURATION:-6s}
connections=${CONNECTIONS:-32}
threads=${THREADS:-2}
warmup=${WARMUP:-15s}
latency_ms=${LATENCY_MS:-50}
source "$repo/bench/lib.sh"
use_scratch
results="$repo/bench/results"; mkdir -p "$results"
report="$results/$(date -u +%Y%m%dT%H%M%SZ)-ab.md"

echo "== building $(git -C "$repo" rev-parse --short "$base") (base) and the working tree" >&2
mkdir -p "$work/base-src"
git -C "$repo" archive "$base" | tar -x -C "$work/base-src"
dotnet publish "$work/base-src/src/RazorIpInfo" -c Release -o "$work/base" -nologo -v q >/dev/null
dotnet publish "$repo/src/RazorIpInfo" -c Release -o "$work/new" -nologo -v q >/dev/null
dotnet build "$repo/tests/IpApiEmulator" -c Release -o "$work/upstream" -nologo -v q >/dev/null
dotnet build "$repo/bench/BareKestrel" -c Release -o "$work/bare" -nologo -v q >/dev/null

upstream_port=$(free_port)
dotnet "$work/upstream/IpApiEmulator.dll" --port "$upstream_port" --latency "$latency_ms" >"$work/upstream.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$upstream_port/__count"

declare -A url pid
for build in base new; do
  port=$(free_port); url[$build]="http://127.0.0.1:$port"
  (cd "$work/$build" && exec env ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS="${url[$build]}" \
    RateLimits__LookupsPerMinute=10000000 RateLimits__OwnCardPerMinute=10000000 RateLimits__ConcurrentRequestsPerClient=100000 \
    IpApi__RequestsPerMinute=0 \
    IpApi__BaseUrl="http://127.0.0.1:$upstream_port" Tor__ExitListUrl= Rdap__BootstrapBaseUrl= Lookup__Providers__0=ip-api \
    dotnet RazorIpInfo.dll) >"$work/$build.log" 2>&1 &
  pid[$build]=$!; pids+=($!)
done
wait_for "${url[base]}/healthz"; wait_for "${url[new]}/healthz"
# A build with the warm-up reports ready once warm (up to its 30 s deadline, then Degraded, still 200).
for _ in $(seq 1 600); do curl -sf -o /dev/null "${url[new]}/readyz" && break; sleep 0.1; done

browser=(-H 'X-Forwarded-For: 8.8.8.8' -H 'Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8')
fragment=(-H 'X-Forwarded-For: 8.8.8.8' -H 'HX-Request: true')
json=(-H 'X-Forwarded-For: 8.8.8.8')
text=(-H 'X-Forwarded-For: 8.8.8.8' -H 'User-Agent: curl/8.5.0')
curl -s "${browser[@]}" "${url[new]}/" >"$work/page.html"
bare_port=$(free_port); url[bare]="http://127.0.0.1:$bare_port"
(cd "$work/bare" && exec env ASPNETCORE_URLS="${url[bare]}" PAGE_FILE="$work/page.html" dotnet BareKestrel.dll) >"$work/bare.log" 2>&1 &
pid[bare]=$!; pids+=($!)
wait_for "${url[bare]}/"

clock_ticks=$(getconf CLK_TCK)
run() { # build path-suffix seconds [headers...] → "requests/s cpu-µs-per-request p99-ms"
  local build=$1 path=$2 seconds=$3; shift 3
  local before; before=$(cpu_ticks "${pid[$build]}")
  local out; out=$(wrk -t "$threads" -c "$connections" -d "$seconds" -s "$repo/bench/wrk.lua" "$@" "${url[$build]}$path" | grep '^RESULT')
  local after; after=$(cpu_ticks "${pid[$build]}")
  eval "${out#RESULT }"
  python3 -c "print(f'{$requests / $seconds:.0f} {($after - $before) * 1e6 / $clock_ticks / $requests:.1f} {$p99 / 1000:.2f}')"
}

echo "== warm-up, $warmup per path and build" >&2
for build in base new; do
  for spec in "/|browser" "/?handler=Card&ip=8.8.8.8|fragment" "/api/ip-info/8.8.8.8|json" "/|text"; do
    path=${spec%|*}; headers="${spec#*|}[@]"
    run "$build" "$path" "$warmup" "${!headers}" >/dev/null
  done
done
run bare / "$warmup" >/dev/null; run bare /page "$warmup" >/dev/null

rows=()
for round in $(seq 1 "$rounds"); do
  echo "== round $round of $rounds" >&2
  for spec in "page|/|browser" "fragment|/?handler=Card&ip=8.8.8.8|fragment" "json|/api/ip-info/8.8.8.8|json" "text|/|text"; do
    IFS='|' read -r name path headers <<<"$spec"; headers="$headers[@]"
    for build in base new; do
      rows+=("$round $name $build $(run "$build" "$path" "$duration" "${!headers}")")
      echo "   ${rows[-1]}" >&2
    done
  done
  rows+=("$round line bare $(run bare / "$duration")"); echo "   ${rows[-1]}" >&2
  rows+=("$round pagebytes bare $(run bare /page "$duration")"); echo "   ${rows[-1]}" >&2
done

python3 - "$report" "$(git -C "$repo" rev-parse --short "$base")" "$(git -C "$repo" rev-parse --short HEAD)" "$duration" "$connections" "$threads" "$(cat /proc/loadavg)" "${rows[@]}" <<'PY'
import statistics, sys
report, base, head, duration, conns, threads, load = sys.argv[1:8]
rows = [r.split() for r in sys.argv[8:]]
def med(name, build, col):
    return statistics.median(float(r[3 + col]) for r in rows if r[1] == name and r[2] == build)
def spread(name, build, col):
    values = [float(r[3 + col]) for r in rows if r[1] == name and r[2] == build]
    return f"{min(values):g}–{max(values):g}"
line, page_bytes = med("line", "bare", 1), med("pagebytes", "bare", 1)
ceiling = {"text": line, "json": line, "page": page_bytes, "fragment": page_bytes}
out = [f"# A/B in one run: base {base} against {head} (working tree), wrk -t{threads} -c{conns} -d{duration}, medians of {len({r[0] for r in rows})} alternating rounds",
       f"", f"Load average before the report: {load}", "",
       "| path | build | req/s | CPU µs / request (rounds) | × bare Kestrel | p99 ms |", "|---|---|---:|---:|---:|---:|"]
for name in ["text", "json", "page", "fragment"]:
    for build in ["base", "new"]:
        cpu = med(name, build, 1)
        out.append(f"| {name} | {build} | {med(name, build, 0):,.0f} | {cpu:.1f} ({spread(name, build, 1)}) | {cpu / ceiling[name]:.2f}× | {med(name, build, 2):.2f} |")
out.append(f"| line | bare Kestrel | {med('line', 'bare', 0):,.0f} | {line:.1f} ({spread('line', 'bare', 1)}) | 1.00× | {med('line', 'bare', 2):.2f} |")
out.append(f"| page's bytes | bare Kestrel | {med('pagebytes', 'bare', 0):,.0f} | {page_bytes:.1f} ({spread('pagebytes', 'bare', 1)}) | 1.00× | {med('pagebytes', 'bare', 2):.2f} |")
out += ["", "Text and JSON are divided by bare Kestrel's line, the page and the fragment by bare Kestrel writing the page's bytes (issue 31)."]
text = "\n".join(out) + "\n"
open(report, "w").write(text)
print(text)
PY
echo "(written to $report)"
