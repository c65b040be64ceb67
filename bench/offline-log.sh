#!/usr/bin/env bash
# What the console says during a scripted offline run: the site as `dotnet run` starts it (Development),
# ip-api.com replaced by a loopback port that refuses connections, and ROUNDS rounds (30) of the requests
# a first-hour operator makes (their own card, a lookup, the API, a text endpoint, /bulk, an AS page),
# PAUSE seconds (2) apart, so the run spans several of the circuit's 15 s breaks. Prints the request count
# and the log's lines: all, entries, entries at Warning or above, and stack-trace lines. The offline data
# is whatever the repository's data/ holds. Needs dotnet, curl, python3; builds src/RazorIpInfo (Debug).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
rounds=${ROUNDS:-30}
pause=${PAUSE:-2}

source "$repo/bench/lib.sh"
use_scratch

site_port=$(free_port)
site="http://127.0.0.1:$site_port"
# Bound and closed again at once: nothing listens there, so every connection is refused.
refused="http://127.0.0.1:$(free_port)"

dotnet build "$repo/src/RazorIpInfo" -nologo -v q >/dev/null
(cd "$repo/src/RazorIpInfo" && exec env ASPNETCORE_ENVIRONMENT=Development ASPNETCORE_URLS="$site" \
  IpApi__BaseUrl="$refused" Tor__ExitListUrl= Rdap__BootstrapBaseUrl= dotnet bin/Debug/net10.0/RazorIpInfo.dll) >"$work/site.log" 2>&1 &
pids+=($!)
wait_for "$site/healthz"
# Start-up's lines (what is loaded, what is missing) are not the run's.
started=$(wc -l <"$work/site.log")

requests=0
get() { curl -s -o /dev/null --max-time 30 "$@" || true; requests=$((requests + 1)); }
html=(-H 'Accept: text/html')
for round in $(seq 1 "$rounds"); do
  get "${html[@]}" "$site/"
  get "${html[@]}" "$site/?ip=8.8.$round.8"
  get "$site/api/ip-info/9.9.$round.9"
  get "$site/country?ip=1.1.$round.1"
  get "${html[@]}" "$site/bulk"
  get "${html[@]}" "$site/AS15169"
  sleep "$pause"
done

run=$(tail -n +"$((started + 1))" "$work/site.log")
count() { if [ -z "$run" ]; then echo 0; else grep -cE "$1" <<<"$run" || true; fi; }
echo "requests: $requests in $rounds rounds, ${pause} s apart"
echo "log lines: $(if [ -z "$run" ]; then echo 0; else wc -l <<<"$run"; fi)"
echo "log entries: $(count '^(trce|dbug|info|warn|fail|crit): ')"
echo "entries at Warning or above: $(count '^(warn|fail|crit): ')"
echo "stack-trace lines: $(count '^ +at ')"
echo "antiforgery Cache-Control warnings: $(count "'Cache-Control' and 'Pragma' headers have been overridden")"
echo "entries by category (Warning or above):"
grep -E '^(warn|fail|crit): ' <<<"$run" | sed -E 's/\[[0-9]+\]$//' | sort | uniq -c | sort -rn || true
