#!/usr/bin/env bash
# One bulk lookup through the API on loopback: 1,000 distinct public addresses, first with a cold cache and
# then again warm, against the counting upstream emulator (LATENCY_MS per upstream call, 50 by default).
# Prints wall time and upstream batch calls for each. Needs dotnet, curl, python3. bench/run.sh may call it.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
latency_ms=${LATENCY_MS:-50}

source "$repo/bench/lib.sh"
use_scratch

upstream_port=$(free_port); site_port=$(free_port)
site="http://127.0.0.1:$site_port"
dotnet build "$repo/tests/IpApiEmulator" -c Release -o "$work/upstream" -nologo -v q >/dev/null
dotnet publish "$repo/src/RazorIpInfo" -c Release -o "$work/site" -nologo -v q >/dev/null

dotnet "$work/upstream/IpApiEmulator.dll" --port "$upstream_port" --latency "$latency_ms" >"$work/upstream.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$upstream_port/__batches"
(cd "$work/site" && exec env ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS="$site" \
  RateLimits__LookupsPerMinute=100000 RateLimits__ConcurrentRequestsPerClient=100000 IpApi__BaseUrl="http://127.0.0.1:$upstream_port" Tor__ExitListUrl= Rdap__BootstrapBaseUrl= \
  Bulk__BatchRequestsPerMinute=0 Lookup__Providers__0=ip-api dotnet RazorIpInfo.dll) >"$work/site.log" 2>&1 &
pids+=($!)
wait_for "$site/healthz"

python3 -c 'import json; print(json.dumps([f"11.{i // 250}.{i % 250}.1" for i in range(1000)]))' >"$work/body.json"
run() {
  local before after seconds
  before=$(curl -s "http://127.0.0.1:$upstream_port/__batches")
  seconds=$(curl -s -o "$work/answer.json" -w '%{time_total}' -H 'Content-Type: application/json' \
    --data-binary @"$work/body.json" "$site/api/ip-info/batch")
  after=$(curl -s "http://127.0.0.1:$upstream_port/__batches")
  rows=$(python3 -c 'import json,sys; print(sum(1 for r in json.load(open(sys.argv[1])) if "provider" in r))' "$work/answer.json")
  echo "$1: 1000 distinct addresses, $rows answered, wall ${seconds}s, upstream batch calls $((after - before)) (latency ${latency_ms} ms each)"
}
run "cold cache"
run "warm cache"
