#!/usr/bin/env bash
# Which Temporal the service talks to, in order: an address from configuration (TEMPORAL_ADDRESS or
# Orchestrator__Temporal__Address: nothing is started), else a `temporal` CLI on PATH (its dev server),
# else the project's embedded Temporal-protocol server (`./orchestrator dev temporal-server`).
# Usage: infra/temporal.sh start|stop|status|env
set -euo pipefail
source "$(dirname "$0")/lib.sh"

dir=$ORCH_LOCAL/temporal
pid_file=$dir/pid
port_file=$dir/port
kind_file=$dir/kind
configured=${TEMPORAL_ADDRESS:-${Orchestrator__Temporal__Address:-}}

running() { pid_alive "$pid_file" && [[ -f $port_file ]] && port_open "$(cat "$port_file")"; }

env_lines() {
  local address=$1
  echo "export Orchestrator__Temporal__Address='$address'"
  echo "export ORCHESTRATOR_TEMPORAL_ADDRESS='$address'"
}

start() {
  if [[ -n $configured ]]; then say "Temporal: using the configured address $configured"; env_lines "$configured"; return; fi
  if running; then say "Temporal ($(cat "$kind_file")) already running on 127.0.0.1:$(cat "$port_file")"; env_lines "127.0.0.1:$(cat "$port_file")"; return; fi
  mkdir -p "$dir"
  local port; port=$(free_port)
  if command -v temporal >/dev/null 2>&1; then
    echo "temporal CLI dev server" >"$kind_file"
    setsid temporal server start-dev --ip 127.0.0.1 --port "$port" --headless --log-level warn \
      --db-filename "$dir/temporal.db" >"$dir/server.log" 2>&1 < /dev/null &
  elif "$ORCH_ROOT/orchestrator" dev temporal-server --help >/dev/null 2>&1; then
    echo "embedded Temporal-protocol server" >"$kind_file"
    setsid "$ORCH_ROOT/orchestrator" dev temporal-server --port "$port" >"$dir/server.log" 2>&1 < /dev/null &
  else
    die "no Temporal available: set TEMPORAL_ADDRESS to a Temporal frontend (host:port), put the 'temporal' CLI on PATH, or build the embedded server (infra/Orchestrator.TemporalServer)"
  fi
  echo $! >"$pid_file"
  echo "$port" >"$port_file"
  wait_port "$port" 90 || { stop; die "Temporal did not start: see $dir/server.log"; }
  say "Temporal ($(cat "$kind_file")) on 127.0.0.1:$port"
  env_lines "127.0.0.1:$port"
}

stop() {
  if pid_alive "$pid_file"; then kill -TERM -- "-$(cat "$pid_file")" 2>/dev/null || true; fi
  stop_pid "$pid_file"
  rm -f "$port_file" "$kind_file"
  say "Temporal stopped"
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  status)
    if [[ -n $configured ]]; then echo "temporal: configured at $configured"
    elif running; then echo "temporal: $(cat "$kind_file") running on 127.0.0.1:$(cat "$port_file")"
    else echo "temporal: stopped"; fi ;;
  env) if [[ -n $configured ]]; then env_lines "$configured"; elif running; then env_lines "127.0.0.1:$(cat "$port_file")"; fi ;;
  *) echo "usage: $0 start|stop|status|env" >&2; exit 2 ;;
esac
