#!/usr/bin/env bash
# Regenerates the C codecs, Swift types and Python message classes from proto/ into a scratch
# folder and fails on any difference from what is committed.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
"$repo/scripts/generate-proto.sh" "$scratch"
status=0
for dir in Sources/CATSBridgeProto Sources/ATSBridgeProto/Generated clients/python/src/atsbridge/v1; do
  if ! diff -r "$scratch/$dir" "$repo/$dir"; then
    status=1
  fi
done
if [ "$status" -ne 0 ]; then
  echo "check-generated: generated code is out of date; run scripts/generate-proto.sh and commit" >&2
  exit 1
fi
echo "check-generated: generated code matches proto/"
