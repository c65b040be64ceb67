#!/usr/bin/env bash
# Prints which top-level folders of src/RazorIpInfo use which others (by namespace, in .cs and .cshtml
# files), and any cycle between them. Exits 1 when there is a cycle.
#
#   scripts/folder-deps.sh
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)/src/RazorIpInfo"
cd "$src"
folders=$(find . -mindepth 1 -maxdepth 1 -type d ! -name bin ! -name obj ! -name wwwroot ! -name Properties -printf '%f\n' | sort)
edges=""
for from in $folders; do
  used=$(grep -rhoE "RazorIpInfo\.[A-Z][A-Za-z]+" "$from" --include='*.cs' --include='*.cshtml' 2>/dev/null \
    | sed 's/^RazorIpInfo\.//' | sort -u | grep -vx "$from" || true)
  deps=""
  for to in $used; do
    if echo "$folders" | grep -qx "$to"; then deps="$deps $to"; edges="$edges$from $to"$'\n'; fi
  done
  printf '%-16s -> %s\n' "$from" "${deps# }"
done
# A cycle exists when tsort cannot order the edges.
if printf '%s' "$edges" | tsort >/dev/null 2>/tmp/folder-deps.$$; then
  echo "No cycle between folders."
  rm -f /tmp/folder-deps.$$
else
  echo "Cycle:"; cat /tmp/folder-deps.$$; rm -f /tmp/folder-deps.$$; exit 1
fi
