#!/usr/bin/env bash
# Installs what is missing, builds (the build scripts/run-demo.sh shares), and runs every test:
# the Swift tests, then the Python client's pytest suite against the debug build of `atsbridge`.
# The PostgreSQL store's tests run against a throw-away cluster started here
# (scripts/postgres-test-cluster.sh) and stopped at the end, unless ATSBRIDGE_TEST_POSTGRES_URL
# already names a server.
#
#   scripts/test.sh [extra swift test arguments]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
scripts/build.sh
if [ -z "${ATSBRIDGE_TEST_POSTGRES_URL:-}" ]; then
  trap 'scripts/postgres-test-cluster.sh stop' EXIT
  ATSBRIDGE_TEST_POSTGRES_URL=$(scripts/postgres-test-cluster.sh start)
  export ATSBRIDGE_TEST_POSTGRES_URL
fi
swift test --skip-build "$@"
ATSBRIDGE_BIN=.build/debug/atsbridge scripts/test-python.sh
