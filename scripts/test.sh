#!/usr/bin/env bash
# Installs what is missing, builds (the build scripts/run-demo.sh shares), and runs every test:
# the Swift tests, then the Python client's pytest suite against the debug build of `atsbridge`.
#
#   scripts/test.sh [extra swift test arguments]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
scripts/build.sh
swift test --skip-build "$@"
ATSBRIDGE_BIN=.build/debug/atsbridge scripts/test-python.sh
