#!/usr/bin/env bash
# Prints the README's figures, so they are refreshed rather than retyped: the page-weight table (the
# "Without and with JavaScript" section) as Markdown rows, measured with curl against the build output
# (`dotnet build`, run in Production, ip-api.com replaced by the loopback emulator), in body bytes for
# each Accept-Encoding (headers, about 0.7 KB a response, are left out); and with --suite, what bench/test-suite.sh prints
# (the "Test it" section's time and CPU of `dotnet test RazorIpInfo.sln`; minutes, so only when asked). Needs dotnet, curl, python3.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)

source "$repo/bench/lib.sh"
use_scratch

upstream_port=$(free_port); site_port=$(free_port)
site="http://127.0.0.1:$site_port"
dotnet build "$repo/tests/IpApiEmulator" -o "$work/upstream" -nologo -v q >/dev/null
dotnet build "$repo/src/RazorIpInfo" -nologo -v q >/dev/null

dotnet "$work/upstream/IpApiEmulator.dll" --port "$upstream_port" >"$work/upstream.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$upstream_port/__count"
(cd "$repo/src/RazorIpInfo" && exec env ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS="$site" \
  IpApi__BaseUrl="http://127.0.0.1:$upstream_port" Tor__ExitListUrl= Rdap__BootstrapBaseUrl= Lookup__Providers__0=ip-api \
  dotnet bin/Debug/net10.0/RazorIpInfo.dll) >"$work/site.log" 2>&1 &
pids+=($!)
wait_for "$site/healthz"

browser=(-H 'Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8')
# The body's bytes for one encoding, as curl received them (not decoded).
wire() { local encoding=$1; shift; curl -s -o /dev/null -w '%{size_download}\n' -H "Accept-Encoding: $encoding" "$@"; }
# One row: label, then identity, gzip and br sizes.
row() { local label=$1; shift; echo "$label $(wire identity "$@") $(wire gzip "$@") $(wire br "$@")"; }

# Warm: the first answer of each kind comes from the upstream, later ones from the cache, as a visitor sees them.
curl -s -o /dev/null "${browser[@]}" "$site/?ip=8.8.8.8"
html=$(curl -s "${browser[@]}" "$site/?ip=8.8.8.8")
asset() { grep -oE "(href|src)=\"/$1\.[^\"]*\.$2\"" <<<"$html" | head -1 | sed -E 's/^(href|src)="//; s/"$//'; }
css=$(asset css/site css); htmx=$(asset lib/htmx/dist/htmx.min js); script=$(asset js/site js)
for found in "$css" "$htmx" "$script"; do [ -n "$found" ] || { echo "an asset is missing from the page" >&2; exit 1; }; done

{
  row page "${browser[@]}" "$site/?ip=8.8.8.8"
  row css "$site$css"
  row htmx "$site$htmx"
  row script "$site$script"
  row lookup "${browser[@]}" -H 'HX-Request: true' "$site/?handler=Card&ip=8.8.8.8"
  row refresh "${browser[@]}" -H 'HX-Request: true' "$site/?handler=Card&ip=8.8.8.8&refresh=1"
} >"$work/sizes"

python3 - "$work/sizes" <<'EOF'
import sys
rows = {line.split()[0]: [int(n) for n in line.split()[1:]] for line in open(sys.argv[1])}
labels = {
    "page": "Page `/?ip=8.8.8.8` (HTML)",
    "css": "`css/site.css`",
    "htmx": "`lib/htmx/dist/htmx.min.js`",
    "script": "`js/site.js`",
    "lookup": "Card fragment, lookup (card + field)",
    "refresh": "Card fragment, Refresh (card only)",
}
line = lambda label, sizes, bold=False: print(f"| {label} | " + " | ".join((f"**{n:,}**" if bold else f"{n:,}") for n in sizes) + " |")
print("| Response | identity | gzip | br |")
print("| --- | ---: | ---: | ---: |")
for key in ("page", "css", "htmx", "script"):
    line(labels[key], rows[key])
first = [sum(rows[k][i] for k in ("page", "css", "htmx", "script")) for i in range(3)]
line("**First load**", first, bold=True)
for key in ("lookup", "refresh"):
    line(labels[key], rows[key])
EOF

if [ "${1:-}" = "--suite" ]; then
  echo
  bash "$repo/bench/test-suite.sh"
fi
