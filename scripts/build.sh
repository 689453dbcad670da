#!/usr/bin/env bash
# The one build both README commands share: scripts/test.sh and scripts/run-demo.sh both run
# it, so whichever runs second reuses the first's products (a no-op build of a few seconds).
# It installs what is missing, checks the Swift version, and builds everything in debug mode,
# tests included, into .build/debug.
#
#   scripts/build.sh
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
scripts/install-deps.sh
# Swift 6.1 or newer: `swift --version` prints e.g. "Swift version 6.3.1 (swift-6.3.1-RELEASE)".
if ! version=$(swift --version 2>/dev/null); then
  echo "build: swift is not installed; install Swift 6.1 or newer from https://www.swift.org/install" >&2
  exit 69
fi
number=$(printf '%s\n' "$version" | sed -n 's/.*Swift version \([0-9][0-9]*\)\.\([0-9][0-9]*\).*/\1 \2/p' | head -n 1)
read -r major minor <<< "${number:-0 0}"
if [ "$major" -lt 6 ] || { [ "$major" -eq 6 ] && [ "$minor" -lt 1 ]; }; then
  echo "build: ATSBridge needs Swift 6.1 or newer; found: ${version%%$'\n'*}" >&2
  exit 69
fi
swift build --build-tests
