#!/usr/bin/env bash
# The site next to its peers, in one run, on loopback, with the same wrk settings: echoip (the Go engine of
# ifconfig.co, built from ../shared/peers), nginx serving a static file of the page's bytes, and a bare Kestrel
# answering one line and writing the page's bytes from memory; then time to data in headless Chromium (cache
# hit, cache miss, mobile-throttled miss). Each server's CPU time per request is read from /proc/PID/stat.
# Compare the ratios, not the absolute figures: they move ±20 % between runs on the same machine.
# Needs dotnet, wrk, nginx, curl, python3, node + npm, /usr/bin/chromium, and Go for echoip.
# Knobs: DURATION (10s), CONNECTIONS (32), THREADS (2), LATENCY_MS (50), WARMUP (15s, the .NET targets),
# LOADS (21, Chromium loads per figure), PEERS_DIR (../shared/peers beside the repository), ECHOIP_DIR (/tmp/echoip).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
duration=${DURATION:-10s}
connections=${CONNECTIONS:-32}
threads=${THREADS:-2}
latency_ms=${LATENCY_MS:-50}
warmup=${WARMUP:-15s}
loads=${LOADS:-21}
peers_dir=${PEERS_DIR:-$repo/../shared/peers}
echoip_dir=${ECHOIP_DIR:-/tmp/echoip}
work=$(mktemp -d)
results="$repo/bench/results"
mkdir -p "$results"
report="$results/$(date -u +%Y%m%dT%H%M%SZ)-side-by-side.md"
pids=()

cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

source "$repo/bench/lib.sh"

# Missing tools are named before minutes of building, not after.
missing=()
for tool in dotnet wrk nginx curl python3 node npm /usr/bin/chromium; do command -v "$tool" >/dev/null || missing+=("$tool"); done
[ -x "$echoip_dir/echoip" ] || command -v go >/dev/null || missing+=(go)
if [ ${#missing[@]} -gt 0 ]; then
  echo "side-by-side.sh needs: ${missing[*]} (apt-get install -y wrk nginx nodejs npm golang-go chromium)" >&2
  exit 1
fi

echo "== building"
dotnet publish "$repo/src/RazorIpInfo" -c Release -o "$work/site" -nologo -v q >/dev/null
dotnet build "$repo/tests/IpApiEmulator" -c Release -o "$work/upstream" -nologo -v q >/dev/null
dotnet build "$repo/bench/BareKestrel" -c Release -o "$work/bare" -nologo -v q >/dev/null
[ -x "$echoip_dir/echoip" ] || bash "$peers_dir/build-echoip.sh" "$echoip_dir" >/dev/null
# The probe imports playwright-core relative to itself, so it runs from a copy beside the installed package.
(cd "$work" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund playwright-core >/dev/null)
cp "$peers_dir/time_to_data.mjs" "$work/"

upstream_port=$(free_port); site_port=$(free_port); echoip_port=$(free_port); nginx_port=$(free_port); bare_port=$(free_port)
site="http://127.0.0.1:$site_port"

dotnet "$work/upstream/IpApiEmulator.dll" --port "$upstream_port" --latency "$latency_ms" >"$work/upstream.log" 2>&1 &
pids+=($!)
# The site as one production instance runs: every feature on (trusted proxies, rate limiting with limits no
# benchmark reaches, security headers, metrics), in-memory cache, the emulator standing in for ip-api.com.
(cd "$work/site" && exec env ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS="$site" \
  RateLimits__LookupsPerMinute=10000000 RateLimits__OwnCardPerMinute=10000000 RateLimits__ConcurrentRequestsPerClient=100000 \
  IpApi__RequestsPerMinute=0 \
  IpApi__BaseUrl="http://127.0.0.1:$upstream_port" Tor__ExitListUrl= Rdap__BootstrapBaseUrl= Lookup__Providers__0=ip-api \
  dotnet RazorIpInfo.dll) >"$work/site.log" 2>&1 &
pids+=($!); site_pid=$!
echoip_src="$echoip_dir/gopath/src/github.com/mpolden/echoip"
(cd "$echoip_src" && exec "$echoip_dir/echoip" -l "127.0.0.1:$echoip_port" -c "$echoip_dir/geo/GeoLite2-City.mmdb" \
  -f "$echoip_dir/geo/GeoLite2-Country.mmdb" -H X-Forwarded-For -C 100000 -t html) >"$work/echoip.log" 2>&1 &
pids+=($!); echoip_pid=$!
wait_for "$site/healthz"; wait_for "http://127.0.0.1:$echoip_port/"
# Measured once the site says it is ready: until then its own warm-up requests would share the cores with wrk.
for _ in $(seq 1 600); do curl -sf -o /dev/null "$site/readyz" && break; sleep 0.1; done

browser=(-H 'X-Forwarded-For: 8.8.8.8' -H 'Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'
         -H 'User-Agent: Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36')
curl_ua=(-H 'X-Forwarded-For: 8.8.8.8' -H 'User-Agent: curl/8.5.0')
mkdir -p "$work/static"
curl -s "${browser[@]}" "$site/" >"$work/static/page.html"
page_bytes=$(wc -c <"$work/static/page.html")
# Started once the page's bytes exist: it also serves them from memory, the page's ceiling on Kestrel.
(cd "$work/bare" && exec env ASPNETCORE_URLS="http://127.0.0.1:$bare_port" PAGE_FILE="$work/static/page.html" \
  dotnet BareKestrel.dll) >"$work/bare.log" 2>&1 &
pids+=($!); bare_pid=$!
wait_for "http://127.0.0.1:$bare_port/"
cat >"$work/nginx.conf" <<EOF
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx-tmp; proxy_temp_path $work/nginx-tmp; fastcgi_temp_path $work/nginx-tmp;
  uwsgi_temp_path $work/nginx-tmp; scgi_temp_path $work/nginx-tmp;
  server { listen 127.0.0.1:$nginx_port; root $work/static; location / { default_type text/html; } }
}
EOF
mkdir -p "$work/nginx-tmp"
# nginx's workers run as an unprivileged user: they must be able to read the file mktemp's private folder holds.
chmod 755 "$work" "$work/static"; chmod 644 "$work/static/page.html"
nginx -c "$work/nginx.conf" -g 'daemon off;' &
pids+=($!); nginx_pid=$!
wait_for "http://127.0.0.1:$nginx_port/page.html"

clock_ticks=$(getconf CLK_TCK)

rows=()
# Requests/s also carries wrk's cost, since wrk and the server share the cores; the server's own CPU time per
# request leaves it out, and so says what the goals ask of a request (docs/performance.md). It moves with the
# machine too: compare it within one run.
bench() { # name target server-pid url warmup [curl-style headers...]
  local name=$1 target=$2 pid=$3 url=$4 warm=$5; shift 5
  [ "$warm" != 0 ] && wrk -t "$threads" -c "$connections" -d "$warm" "$@" "$url" >/dev/null
  local before; before=$(cpu_ticks "$pid")
  local out; out=$(wrk -t "$threads" -c "$connections" -d "$duration" -s "$repo/bench/wrk.lua" "$@" "$url" | grep '^RESULT')
  local after; after=$(cpu_ticks "$pid")
  eval "${out#RESULT }"
  local rps; rps=$(python3 -c "print(f'{$requests / $seconds:.0f}')")
  local p99_ms; p99_ms=$(python3 -c "print(f'{$p99 / 1000:.2f}')")
  local cpu_us; cpu_us=$(python3 -c "print(f'{($after - $before) * 1e6 / $clock_ticks / $requests:.1f}')")
  echo "$name, $target: $rps req/s, p99 $p99_ms ms, $cpu_us µs of server CPU per request, errors $status_errors / $socket_errors"
  rows+=("$name|$target|$rps|$p99_ms|$cpu_us|$status_errors/$socket_errors")
}

echo "== wrk -t$threads -c$connections -d$duration (after warm-up)"
bench "page" "RazorIpInfo /" "$site_pid" "$site/" "$warmup" "${browser[@]}"
bench "page" "echoip /" "$echoip_pid" "http://127.0.0.1:$echoip_port/" 3s "${browser[@]}"
bench "page" "nginx static, same bytes" "$nginx_pid" "http://127.0.0.1:$nginx_port/page.html" 3s
bench "page" "bare Kestrel, same bytes from memory" "$bare_pid" "http://127.0.0.1:$bare_port/page" "$warmup"
bench "fragment" "RazorIpInfo card fragment" "$site_pid" "$site/?handler=Card&ip=8.8.8.8" 5s -H 'X-Forwarded-For: 8.8.8.8' -H 'HX-Request: true'
bench "json" "RazorIpInfo /api/ip-info/8.8.8.8" "$site_pid" "$site/api/ip-info/8.8.8.8" "$warmup" -H 'X-Forwarded-For: 8.8.8.8'
bench "json" "echoip /json" "$echoip_pid" "http://127.0.0.1:$echoip_port/json" 3s -H 'X-Forwarded-For: 8.8.8.8'
bench "text" "RazorIpInfo / for curl" "$site_pid" "$site/" "$warmup" "${curl_ua[@]}"
bench "text" "echoip / for curl" "$echoip_pid" "http://127.0.0.1:$echoip_port/" 3s "${curl_ua[@]}"
bench "text" "bare Kestrel, one line" "$bare_pid" "http://127.0.0.1:$bare_port/" "$warmup"

echo "== time to data, headless Chromium, median of $loads cold loads (upstream latency $latency_ms ms)"
ttd() { # name url [env...]
  local name=$1 url=$2; shift 2
  local out; out=$(cd "$work" && env "$@" node "$work/time_to_data.mjs" "$url" "Coordinates" "$loads")
  local median; median=$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['median_ms'])" "$out")
  echo "$name: $median ms"
  ttd_rows+=("$name|$median")
}
ttd_rows=()
ttd "cache hit" "$site/?ip=8.8.8.8"
# A fresh address per load: each is a miss that waits for the emulator.
ttd "cache miss" "$site/?ip=1.9.{i}.7"
ttd "cache miss, mobile network (150 ms RTT, 1.6 Mbps)" "$site/?ip=1.8.{i}.7" THROTTLE=mobile

python3 - "$report" "$page_bytes" "$latency_ms" "$duration" "$connections" "$threads" "$(nproc)" "${rows[@]}" -- "${ttd_rows[@]}" <<'PY'
import sys
report, page_bytes, latency, duration, conns, threads, cores = sys.argv[1:8]
rest = sys.argv[8:]
split = rest.index("--")
rows = [r.split("|") for r in rest[:split]]
ttd = [r.split("|") for r in rest[split + 1:]]
rps = {(r[0], r[1]): float(r[2]) for r in rows}
cpus = {(r[0], r[1]): float(r[4]) for r in rows}
def find(path, prefix, values=rps):
    return next(v for (p, t), v in values.items() if p == path and t.startswith(prefix))
def cpu(path, prefix):
    return find(path, prefix, cpus)
ours = {"page": find("page", "RazorIpInfo"), "json": find("json", "RazorIpInfo"), "text": find("text", "RazorIpInfo")}
lines = [f"# Side by side, {cores} cores, wrk -t{threads} -c{conns} -d{duration} on loopback after warm-up", "",
         "| path | target | req/s | p99 ms | server CPU µs per request | errors (≥400 / socket) | RazorIpInfo ÷ this |",
         "|---|---|---:|---:|---:|---:|---:|"]
for path, target, r, p99, cpu_us, errors in rows:
    ratio = "" if target.startswith("RazorIpInfo") else f"{ours.get(path, find('page', 'RazorIpInfo')) / float(r):.2f}×"
    lines.append(f"| {path} | {target} | {float(r):,.0f} | {p99} | {cpu_us} | {errors} | {ratio} |")
lines += ["", f"Fragment ÷ nginx static: {find('fragment', 'RazorIpInfo') / find('page', 'nginx'):.2f}× "
          f"(page: {page_bytes} bytes uncompressed, the static file is the same bytes).",
          f"Bare Kestrel writing the page's bytes ÷ nginx static: {find('page', 'bare Kestrel') / find('page', 'nginx'):.2f}×; "
          f"bare Kestrel's line ÷ echoip's text: {find('text', 'bare Kestrel') / find('text', 'echoip'):.2f}×.",
          f"Server CPU per request, RazorIpInfo ÷ bare Kestrel's line: text {cpu('text', 'RazorIpInfo') / cpu('text', 'bare Kestrel'):.2f}×, "
          f"JSON {cpu('json', 'RazorIpInfo') / cpu('text', 'bare Kestrel'):.2f}×; echoip's ÷ bare Kestrel's: text "
          f"{cpu('text', 'echoip') / cpu('text', 'bare Kestrel'):.2f}×, JSON {cpu('json', 'echoip') / cpu('text', 'bare Kestrel'):.2f}×.", "",
          f"Time to data (the card's \"Coordinates\" visible), headless Chromium, median of cold loads, upstream latency {latency} ms:", "",
          "| load | median ms |", "|---|---:|"]
lines += [f"| {name} | {median} |" for name, median in ttd]
text = "\n".join(lines) + "\n"
open(report, "w").write(text)
print(text)
PY
echo "(written to $report)"
