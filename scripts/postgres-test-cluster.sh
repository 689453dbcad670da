#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the tests: a temp data directory owned by the `postgres`
# OS user (PostgreSQL refuses to run as root), listening on loopback only, on a free port, with
# TLS on (a certificate from scripts/make-test-certs.sh) and fsync off.
#
#   scripts/postgres-test-cluster.sh start   # prints the URL; `eval "$(… start --export)"` sets it
#   scripts/postgres-test-cluster.sh url     # the URL of the running cluster
#   scripts/postgres-test-cluster.sh stop    # stops it and deletes its data
#
# The tests read the URL from ATSBRIDGE_TEST_POSTGRES_URL, or from the state file this script
# keeps (.build/postgres-test-cluster/url), so a cluster started by hand is found too.
# Packages: scripts/install-deps.sh installs postgresql.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
state="$repo/.build/postgres-test-cluster"
password=atsbridge-test

bin_dir() {
  local dir
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
    pg_config --bindir
    return
  fi
  for dir in /usr/lib/postgresql/*/bin; do
    if [ -x "$dir/initdb" ]; then echo "$dir"; return; fi
  done
  echo "postgres-test-cluster: initdb not found; run scripts/install-deps.sh (apt-get install postgresql)" >&2
  exit 1
}

# Runs a command as the cluster's owner: `postgres` when we are root, ourselves otherwise.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

url() {
  if [ -f "$state/url" ]; then cat "$state/url"; else echo "postgres-test-cluster: not running" >&2; exit 1; fi
}

start() {
  if [ -f "$state/url" ] && [ -d "$(cat "$state/datadir" 2>/dev/null)" ]; then
    local dir
    dir=$(cat "$state/datadir")
    if as_owner "$(bin_dir)/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
      url
      return
    fi
  fi
  local bin dir port
  bin=$(bin_dir)
  mkdir -p "$state"
  dir=$(mktemp -d /tmp/atsbridge-pg-XXXXXX)
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$dir"; fi
  chmod 700 "$dir"
  printf '%s\n' "$password" > "$dir.pw"
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$dir.pw"; fi
  as_owner "$bin/initdb" -D "$dir/data" -U atsbridge --pwfile="$dir.pw" --auth=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  rm -f "$dir.pw"
  # TLS on, with a throw-away certificate: tests connect with sslmode=require too.
  "$repo/scripts/make-test-certs.sh" "$dir/certs" >/dev/null
  install -m 600 "$dir/certs/server.pem" "$dir/data/server.crt"
  install -m 600 "$dir/certs/server.key" "$dir/data/server.key"
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$dir/data/server.crt" "$dir/data/server.key"; fi
  port=$(free_port)
  # Throw-away data: no fsync. Many test stores at once: room for their connections.
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start -o \
    "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off \
     -c synchronous_commit=off -c full_page_writes=off -c max_connections=400 -c shared_buffers=256MB \
     -c ssl=on" \
    >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
  echo "$dir" > "$state/datadir"
  echo "postgres://atsbridge:$password@127.0.0.1:$port/postgres?sslmode=disable" > "$state/url"
  url
}

stop() {
  [ -f "$state/datadir" ] || return 0
  local dir
  dir=$(cat "$state/datadir")
  if [ -d "$dir/data" ]; then
    as_owner "$(bin_dir)/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
  fi
  rm -f "$state/datadir" "$state/url"
}

case "${1:-}" in
  start)
    if [ "${2:-}" = "--export" ]; then
      echo "export ATSBRIDGE_TEST_POSTGRES_URL='$(start)'"
    else
      start
    fi
    ;;
  stop) stop ;;
  url) url ;;
  *)
    echo "usage: $0 start [--export] | url | stop" >&2
    exit 2
    ;;
esac
