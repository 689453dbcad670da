#!/usr/bin/env bash
# Export throughput on realistic nested data: a release `atsbridge serve --demo --demo-size large`
# (100,000 candidates with 2 applications and ~1.3 tags each, 200,000 applications, 2,000 jobs)
# and the release CLI as a second process over loopback. Each round runs every export once, in
# turn (A B C …), so all figures come from the same minutes of this shared machine.
#
#   Benchmarks/export-demo.sh [ROUNDS]        # default 5 rounds
#   ATSBRIDGE_BIN=path/to/atsbridge Benchmarks/export-demo.sh 5   # a binary built elsewhere
#
# Prints each run and the median records/s per export, the CLI's peak RSS and the server's.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-5}
bin=${ATSBRIDGE_BIN:-"$repo/.build/release/atsbridge"}
cd "$repo"
[ -n "${ATSBRIDGE_BIN:-}" ] || swift build -c release --product atsbridge >/dev/null
data=$(mktemp -d)
out=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
"$bin" serve --demo --demo-size large --listen "127.0.0.1:$port" --metrics-listen 127.0.0.1:0 \
  --data-dir "$data" --demo-api-key bench-key-0123456789 --log-level warning >"$out/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data" "$out"' EXIT
for _ in $(seq 1 900); do grep -q "API key" "$out/server.log" && break; sleep 1; done
grep -q "API key" "$out/server.log" || { cat "$out/server.log"; exit 1; }
export ATSBRIDGE_SERVER=127.0.0.1:$port ATSBRIDGE_API_KEY=bench-key-0123456789 ATSBRIDGE_INTEGRATION=demo
# Wait until the kept nested views are all assembled: the server refreshes them after the sync
# (about half a minute for the large preset) and is busy until then. Done once it stays below 5 %
# of a core for two seconds (CPU ticks from /proc, 100 per second).
ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }
quiet=0
for _ in $(seq 1 600); do
  before=$(ticks); sleep 1; after=$(ticks)
  if [ $((after - before)) -lt 5 ]; then quiet=$((quiet + 1)); else quiet=0; fi
  [ "$quiet" -ge 2 ] && break
done
# The peak RSS reported below is the export's, not the first sync's: reset the high-water mark.
echo 5 >"/proc/$server/clear_refs"
# Storage order is what `atsbridge export` asks for; id order (the list default) beside it.
runs=("candidates protobuf storage" "candidates protobuf id" "applications protobuf storage"
  "applications protobuf id" "candidates ndjson storage" "applications ndjson storage" "jobs protobuf storage")
declare -A rates rss
for round in $(seq 1 "$rounds"); do
  for run in "${runs[@]}"; do
    set -- $run
    line=$(/usr/bin/time -f "rss %M" "$bin" export "$1" --format "$2" --order "$3" --out "$out/x" --page-size 1000 2>&1)
    rate=$(grep -o '([0-9]* records/s)' <<<"$line" | tr -dc 0-9)
    kb=$(grep -o 'rss [0-9]*' <<<"$line" | tr -dc 0-9)
    echo "round $round: export $1 --format $2 --order $3: $rate records/s, CLI peak RSS $((kb / 1024)) MB"
    rates[$run]+="$rate "
    rss[$run]=$(( ${rss[$run]:-0} > kb ? ${rss[$run]:-0} : kb ))
  done
done
echo
for run in "${runs[@]}"; do
  median=$(tr ' ' '\n' <<<"${rates[$run]}" | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  echo "median: export $run: $median records/s (CLI peak RSS $(( ${rss[$run]} / 1024 )) MB)"
done
echo "server peak RSS during the exports: $(( $(grep VmHWM /proc/$server/status | tr -dc 0-9) / 1024 )) MB"
