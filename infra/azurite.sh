#!/usr/bin/env bash
# Local Azure Blob Storage: Azurite (pinned in infra/azurite/package-lock.json) on a free 127.0.0.1
# port, data under .local/azurite, the well-known development account devstoreaccount1.
# Usage: infra/azurite.sh start|stop|status|env
set -euo pipefail
source "$(dirname "$0")/lib.sh"

dir=$ORCH_LOCAL/azurite
pkg=$ORCH_ROOT/infra/azurite
pid_file=$dir/pid
port_file=$dir/port
# Azurite's published development key (not a secret: it only opens the local emulator).
key='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='

running() { pid_alive "$pid_file" && [[ -f $port_file ]] && port_open "$(cat "$port_file")"; }

env_lines() {
  local cs="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$(cat "$port_file")/devstoreaccount1;"
  echo "export ORCHESTRATOR_TEST_BLOB='$cs'"
  echo "export Orchestrator__Blob__ConnectionString='$cs'"
  echo "export ORCHESTRATOR_AZURITE_PORT=$(cat "$port_file")"
}

install() {
  [[ -x $pkg/node_modules/.bin/azurite-blob ]] && return
  command -v npm >/dev/null || apt_install nodejs npm
  say "installing Azurite (npm ci, about a minute)"
  (cd "$pkg" && npm ci --no-audit --no-fund --loglevel=error >&2) || die "npm ci in infra/azurite failed"
}

start() {
  if running; then say "Azurite already running on 127.0.0.1:$(cat "$port_file")"; env_lines; return; fi
  install
  mkdir -p "$dir/data"
  local port; port=$(free_port)
  # --skipApiVersionCheck: Azure.Storage.Blobs 12.30 sends a newer API version than Azurite 3.35 knows.
  setsid "$pkg/node_modules/.bin/azurite-blob" --blobHost 127.0.0.1 --blobPort "$port" --location "$dir/data" \
    --disableTelemetry --skipApiVersionCheck --loose >"$dir/server.log" 2>&1 < /dev/null &
  echo $! >"$pid_file"
  echo "$port" >"$port_file"
  wait_port "$port" 60 || { stop_pid "$pid_file"; die "Azurite did not start: see $dir/server.log"; }
  say "Azurite on 127.0.0.1:$port (data in $dir/data)"
  env_lines
}

stop() {
  # setsid made Azurite a process-group leader: signal the whole group (node and its children).
  if pid_alive "$pid_file"; then kill -TERM -- "-$(cat "$pid_file")" 2>/dev/null || true; fi
  stop_pid "$pid_file"
  rm -f "$port_file"
  say "Azurite stopped"
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  status) if running; then echo "azurite: running on 127.0.0.1:$(cat "$port_file")"; else echo "azurite: stopped"; fi ;;
  env) running && env_lines ;;
  *) echo "usage: $0 start|stop|status|env" >&2; exit 2 ;;
esac
