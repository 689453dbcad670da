#!/usr/bin/env bash
# The floors under typed streaming: what SQLite's page scan, TCP over loopback and protobuf-c's
# unpack cost per nested candidate on their own, in C, on PeerBenchmarks' dataset (200,000
# candidates with 2 applications and 3 tags each), and malloc/free of the heap blocks a Swift
# value of each candidate owns. Builds Benchmarks/.build/floors and runs it once; PeerBenchmarks
# runs it in every round, beside the streams, with --floors:
#
#   Benchmarks/floors.sh
#   cd Benchmarks && .build/release/PeerBenchmarks --rounds 3 --floors .build/floors
#
# The dataset is PeerBenchmarks' own: run PeerBenchmarks once first.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
data=/tmp/atsbridge-peer-bench
store=$data/store-200000.sqlite
dump=$data/candidates-200000.bin
binary=$repo/Benchmarks/.build/floors
mkdir -p "$repo/Benchmarks/.build"
"${CC:-cc}" -O2 -o "$binary" "$repo/Benchmarks/floors/floors.c" "$repo"/Sources/CATSBridgeProto/atsbridge/v1/*.pb-c.c \
  "$repo/Sources/CATSBridgeArena/arena.c" -I "$repo/Sources/CATSBridgeProto/include" \
  -I "$repo/Sources/CATSBridgeArena/include" -lprotobuf-c -lsqlite3 -lpthread
[ -f "$store" ] && [ -f "$dump" ] || {
  echo "built $binary; no dataset in $data yet: run Benchmarks/.build/release/PeerBenchmarks once first" >&2
  exit 1
}
"$binary" all "$store" bench "$dump"
