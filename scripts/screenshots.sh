#!/usr/bin/env bash
# Runs the browser tests with screenshots on (SCREENSHOTS=1) and says where they are: every state of the page, light
# and dark, phone and desktop, with and without JavaScript, in German, and a long IPv6 address. The test command
# alone (dotnet test RazorIpInfo.sln) takes none: no test reads them, and encoding them costs CPU on every run.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
folder="$repo/tests/RazorIpInfo.Tests/bin/Debug/net10.0/screenshots"
rm -rf "$folder"
SCREENSHOTS=1 dotnet test "$repo/tests/RazorIpInfo.Tests" --filter "Category=Browser"
echo "$(find "$folder" -name '*.png' | wc -l) screenshots in ${folder#"$repo"/}"
