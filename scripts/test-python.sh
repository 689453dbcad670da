#!/usr/bin/env bash
# Runs the Python client's pytest suite (clients/python/tests) against a real
# `atsbridge serve --demo` that the suite starts itself.
#
#   ATSBRIDGE_BIN=.build/debug/atsbridge scripts/test-python.sh [pytest arguments]
#
# Without ATSBRIDGE_BIN the suite uses the newer of .build/debug/atsbridge and
# .build/release/atsbridge. The venv lives in .build/python-venv (git-ignored); the package and
# pytest come from the package index.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
venv=.build/python-venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade "./clients/python[test]"
status=0
"$venv/bin/python" -m pytest -p no:cacheprovider clients/python/tests "$@" || status=$?
if [ "$status" -eq 5 ]; then
  echo "test-python: pytest collected no tests" >&2
  exit 1
fi
exit "$status"
