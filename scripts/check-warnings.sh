#!/usr/bin/env bash
# Fails when a build log holds a compiler warning from the project's own sources (Sources/,
# Tests/, Benchmarks/); warnings from dependencies under .build/ are not ours to fix.
#
#   scripts/check-warnings.sh BUILD_LOG
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
log=${1:?usage: scripts/check-warnings.sh BUILD_LOG}
own=$(grep -E "^($repo/)?(Sources|Tests|Benchmarks)/[^:]+:[0-9]+:[0-9]+: warning:" "$log" | sort -u || true)
if [ -n "$own" ]; then
  echo "check-warnings: the build warns in the project's own sources:" >&2
  printf '%s\n' "$own" >&2
  exit 1
fi
