#!/usr/bin/env bash
# Builds and runs the Swift test suite under AddressSanitizer, then ThreadSanitizer, each in its
# own build folder (.build-sanitize/address, .build-sanitize/thread), so that the normal debug
# build is left alone. Each full run takes long (two extra debug builds); not part of .ci/run.
# docs/security.md records the last result.
#
#   scripts/sanitize.sh [address|thread|both] [extra swift test arguments, e.g. --filter RPC]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
which=${1:-both}
shift || true
case "$which" in
  address) sanitizers=(address) ;;
  thread) sanitizers=(thread) ;;
  both) sanitizers=(address thread) ;;
  *) echo "usage: scripts/sanitize.sh [address|thread|both] [swift test arguments]" >&2; exit 2 ;;
esac
for sanitizer in "${sanitizers[@]}"; do
  path=".build-sanitize/$sanitizer"
  echo "== $sanitizer sanitizer: building into $path"
  swift build --build-tests --sanitize="$sanitizer" --build-path "$path"
  echo "== $sanitizer sanitizer: testing"
  # halt_on_error: the first report fails the run; detect_leaks off: the Swift runtime and
  # NIO's singletons keep memory for the process's life by design.
  ASAN_OPTIONS=detect_leaks=0:halt_on_error=1 TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
    swift test --skip-build --sanitize="$sanitizer" --build-path "$path" "$@"
  echo "== $sanitizer sanitizer: passed"
done
