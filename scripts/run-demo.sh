#!/usr/bin/env bash
# The main job: installs what is missing, builds and runs `atsbridge`.
# Grows into `atsbridge serve --demo` (the demo server on SQLite and the RECRU sandbox).
#
#   scripts/run-demo.sh [atsbridge arguments]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
scripts/install-deps.sh
swift build -c release --product atsbridge
exec .build/release/atsbridge "$@"
