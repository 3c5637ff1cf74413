#!/usr/bin/env bash
# Local PostgreSQL for development and tests: a private cluster under .local/postgres on a free
# 127.0.0.1 port, trust auth for the local superuser 'postgres'. Never touches the system cluster.
# Usage: infra/postgres.sh start|stop|status|env
set -euo pipefail
source "$(dirname "$0")/lib.sh"

dir=$ORCH_LOCAL/postgres
# As root the cluster runs as 'postgres', which must be able to reach its directory. A checkout inside a
# private directory (mktemp -d makes it 0700) is out of its reach, so the cluster then lives in a directory of
# its own under /var/tmp, named after the checkout, which every command of this script finds again.
if [[ $(id -u) == 0 ]] && id postgres >/dev/null 2>&1; then
  mkdir -p "$ORCH_LOCAL"
  if ! runuser -u postgres -- test -x "$ORCH_LOCAL" 2>/dev/null; then
    dir=/var/tmp/orchestrator-postgres-$(printf %s "$(readlink -f "$ORCH_LOCAL")" | sha256sum | cut -c1-16)
  fi
fi
data=$dir/data
port_file=$dir/port

pg_bin() {
  local bin
  for bin in $(command -v pg_ctl 2>/dev/null) /usr/lib/postgresql/*/bin/pg_ctl; do
    [[ -x $bin ]] && { dirname "$(readlink -f "$bin")"; return; }
  done
  return 1
}

as_postgres() {
  # From /: the caller's working directory may be out of the postgres user's reach.
  if [[ $(id -u) == 0 ]]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

running() { [[ -f $port_file ]] && [[ -f $data/postmaster.pid ]] && port_open "$(cat "$port_file")"; }

env_lines() {
  local port; port=$(cat "$port_file")
  local cs="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
  echo "export ORCHESTRATOR_TEST_POSTGRES='$cs'"
  echo "export Orchestrator__Postgres__ConnectionString='Host=127.0.0.1;Port=$port;Username=postgres;Database=orchestrator'"
  echo "export ORCHESTRATOR_POSTGRES_PORT=$port"
}

start() {
  if running; then say "PostgreSQL already running on 127.0.0.1:$(cat "$port_file")"; env_lines; return; fi
  local bin; bin=$(pg_bin) || { apt_install postgresql; bin=$(pg_bin) || die "pg_ctl not found after installing postgresql"; }
  [[ $(id -u) != 0 ]] || id postgres >/dev/null 2>&1 || die "user 'postgres' is missing (reinstall the postgresql package)"
  mkdir -p "$dir"
  [[ $(id -u) != 0 ]] || chown postgres "$dir"
  if [[ ! -f $data/PG_VERSION ]]; then
    say "initialising a PostgreSQL cluster in $data"
    as_postgres "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || die "initdb failed: see $dir/initdb.log"
  fi
  local port; port=$(free_port)
  as_postgres "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -c listen_addresses=127.0.0.1 -k $dir -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null || die "PostgreSQL did not start: see $dir/server.log"
  echo "$port" >"$port_file"
  as_postgres "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -qtAc "SELECT 1 FROM pg_database WHERE datname='orchestrator'" | grep -q 1 \
    || as_postgres "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres orchestrator
  say "PostgreSQL on 127.0.0.1:$port (data in $data)"
  env_lines
}

stop() {
  [[ -f $data/postmaster.pid ]] || { rm -f "$port_file"; return 0; }
  local bin; bin=$(pg_bin) || die "pg_ctl not found"
  as_postgres "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
  rm -f "$port_file"
  say "PostgreSQL stopped"
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  status) if running; then echo "postgres: running on 127.0.0.1:$(cat "$port_file")"; else echo "postgres: stopped"; fi ;;
  env) running && env_lines ;;
  *) echo "usage: $0 start|stop|status|env" >&2; exit 2 ;;
esac
