# Shared helpers for the infra scripts. Sourced, not run.
# shellcheck shell=bash

ORCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ORCH_LOCAL=${ORCHESTRATOR_LOCAL_DIR:-$ORCH_ROOT/.local}
mkdir -p "$ORCH_LOCAL"

say() { echo "[infra] $*" >&2; }
die() { echo "[infra] error: $*" >&2; exit 1; }

# A TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Whether something accepts TCP connections on 127.0.0.1:$1.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Waits up to $2 seconds for 127.0.0.1:$1 to accept connections.
wait_port() {
  local port=$1 deadline=$((SECONDS + ${2:-30}))
  until port_open "$port"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

# Whether the process in pid file $1 is alive.
pid_alive() { [[ -f $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Stops the process (group) in pid file $1, waiting up to 10 s before SIGKILL.
stop_pid() {
  local file=$1 pid
  pid_alive "$file" || { rm -f "$file"; return 0; }
  pid=$(cat "$file")
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$file"
}

APT_UPDATED=
# Installs Debian packages that are missing (apt-get update once per script run).
apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  ((${#missing[@]})) || return 0
  command -v apt-get >/dev/null || die "missing packages ${missing[*]} and no apt-get to install them"
  [[ $(id -u) == 0 ]] || die "missing packages ${missing[*]}: run as root, or: sudo apt-get install ${missing[*]}"
  say "installing ${missing[*]} (apt-get)"
  if [[ -z $APT_UPDATED ]]; then apt-get update -qq >/dev/null 2>&1 || true; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 \
    || die "apt-get install ${missing[*]} failed"
}
