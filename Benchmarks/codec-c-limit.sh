#!/usr/bin/env bash
# The C codec's decode rate on one core over a real export (see CUnpack/unpack_bench.c):
#   atsbridge export candidates --format protobuf --out candidates.pb
#   Benchmarks/codec-c-limit.sh candidates.pb candidates 5
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
bin=$(mktemp -d)/unpack_bench
trap 'rm -rf "$(dirname "$bin")"' EXIT
cc -O2 -o "$bin" -I "$repo/Sources/CATSBridgeProto/include" \
  "$repo/Benchmarks/CUnpack/unpack_bench.c" "$repo"/Sources/CATSBridgeProto/atsbridge/v1/*.pb-c.c -lprotobuf-c
"$bin" "$@"
