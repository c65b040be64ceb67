#!/usr/bin/env bash
# The slow-resolver flood of issue 33: many distinct host names at once against a resolver that never
# answers, with /healthz probed meanwhile. In-process site on real Kestrel, loopback only; stops by itself.
# Usage: bench/resolver-flood.sh [names...]   (default: 30 60). Needs a build (dotnet build RazorIpInfo.sln).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp)
for names in "${@:-30 60}"; do
  for n in $names; do
    RESOLVER_FLOOD_OUT="$out" RESOLVER_FLOOD_NAMES="$n" \
      dotnet test RazorIpInfo.sln --no-build --filter "FullyQualifiedName~ResolverFloodBench" >/dev/null || true
  done
done
cat "$out"
rm -f "$out"
