#!/usr/bin/env bash
# Load test: a release `atsbridge serve --demo --demo-size medium` with its default limits, and
# the release LoadTest tool (Tests/Tools/LoadTest) as a second process over loopback: 64
# export streams re-exporting candidates plus 16 writers creating applications, for 60 s. Fails
# on any error or a server peak RSS over 1 GiB. docs/benchmarks.md records the figures.
#
#   Benchmarks/load-test.sh [SECONDS] [EXPORTS] [WRITERS]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
exports=${2:-64}
writers=${3:-16}
cd "$repo"
swift build -c release --product atsbridge >/dev/null
swift build -c release --product LoadTest >/dev/null
bin="$repo/.build/release"
data=$(mktemp -d)
out=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
key=load-test-key-0123456789
"$bin/atsbridge" serve --demo --demo-size medium --listen "127.0.0.1:$port" --metrics-listen 127.0.0.1:0 \
  --data-dir "$data" --demo-api-key "$key" --log-level warning >"$out/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data" "$out"' EXIT
for _ in $(seq 1 300); do grep -q "API key" "$out/server.log" && break; sleep 1; done
grep -q "API key" "$out/server.log" || { cat "$out/server.log"; exit 1; }
echo "server: $(grep -o '[0-9]* candidates' "$out/server.log" | head -1), RSS before the load $(( $(grep VmRSS /proc/$server/status | tr -dc 0-9) / 1024 )) MiB"
"$bin/LoadTest" --server "127.0.0.1:$port" --key "$key" --integration demo --pid "$server" \
  --seconds "$seconds" --exports "$exports" --writers "$writers" --max-rss-mb 1024
