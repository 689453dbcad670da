#!/usr/bin/env bash
# The main job: installs what is missing, builds (the build scripts/test.sh shares, so the
# second of the two reuses the first's), and runs the demo server (`atsbridge serve --demo`:
# SQLite and the embedded RECRU sandbox with seeded data, kept in ./data/demo).
#
#   scripts/run-demo.sh                      # the demo on 127.0.0.1:7420
#   scripts/run-demo.sh --listen 127.0.0.1:0 --data-dir /tmp/demo --demo-api-key my-key-0123456789
#
# Arguments are passed to `atsbridge serve --demo`. Stop it with Ctrl-C (graceful shutdown).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
scripts/build.sh
exec .build/debug/atsbridge serve --demo "$@"
