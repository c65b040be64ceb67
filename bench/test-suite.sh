#!/usr/bin/env bash
# The test suite's time and CPU: builds, then runs the README's test command (dotnet test RazorIpInfo.sln) without
# the build, and prints its wall time, the machine's CPU-seconds over the run (all processes: test hosts,
# Chromium, redis-server, child sites; read from /proc/stat, so run it on an otherwise quiet machine), each
# project's summary line, and the ten slowest tests. Knobs: FILTER (a dotnet test --filter), RUNS (1).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-1}
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }

dotnet build "$repo/RazorIpInfo.sln" -nologo -v q >/dev/null
ticks=$(getconf CLK_TCK)
for run in $(seq 1 "$runs"); do
    before=$(busy); started=$(date +%s.%N)
    status=0
    dotnet test "$repo/RazorIpInfo.sln" --no-build ${FILTER:+--filter "$FILTER"} \
        --results-directory "$results/$run" --logger "trx;LogFilePrefix=run" >"$results/$run.log" 2>&1 || status=$?
    ended=$(date +%s.%N); after=$(busy)
    printf 'run %d: exit %d, %.0f s wall, %d CPU-s\n' "$run" "$status" "$(echo "$ended - $started" | bc)" $(( (after - before) / ticks ))
    grep -E '^(Passed|Failed)!' "$results/$run.log" | sed 's/^/  /'
    grep -E '\[FAIL\]$' "$results/$run.log" | sed 's/^.*\]  *//; s/^/  failed: /' || true
    # Each failure's message and the top of its stack trace, since the run's own log is deleted with the results.
    awk '/^  Failed / { keep = 1; lines = 0; frames = 0 } /^  Stack Trace:/ { frames = 1 } frames && frames++ > 5 { keep = 0 }
         keep && lines++ < 14 { print "    " $0 }' "$results/$run.log"
done

echo
echo "Ten slowest tests of the last run (s):"
python3 - "$results/$runs" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
ns = {'t': 'http://microsoft.com/schemas/VisualStudio/TeamTest/2010'}
def seconds(text):
    h, m, s = text.split(':')
    return int(h) * 3600 + int(m) * 60 + float(s)
tests = []
for trx in glob.glob(sys.argv[1] + '/*.trx'):
    for result in ET.parse(trx).getroot().iterfind('.//t:UnitTestResult', ns):
        tests.append((seconds(result.get('duration', '0:0:0')), result.get('testName')))
for duration, name in sorted(tests, reverse=True)[:10]:
    print(f'  {duration:6.1f}  {name}')
PY
