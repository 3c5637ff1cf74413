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

# The oneDNN ISA limit under which libtorch computes correctly on this host (docs/adr/0021): the first of
# default (no limit), AVX2, AVX, SSE41 whose process passes the numerical self-check (`DLL --self-check`).
# Prints the level ("default" for none needed, "none" when nothing passes), or nothing when there is no
# cached answer for this CPU and no built probe among the DLLs given. The answer is cached per CPU model,
# flags and libtorch version in $ORCH_LOCAL.
cpu_backend_isa() {
  local signature version cache dll isa
  version=$(grep -oE 'libtorch-cpu-linux-x64" Version="[^"]+' "$ORCH_ROOT/Directory.Packages.props" | sed 's/.*Version="//')
  signature=$({ awk '/^(vendor_id|cpu family|model|model name|stepping|flags)[[:space:]]*:/ {print} /^$/ {exit}' /proc/cpuinfo 2>/dev/null
    echo "libtorch $version"; } | md5sum | cut -c1-12)
  cache=$ORCH_LOCAL/cpu-backend-$signature
  if [[ -s $cache ]]; then cat "$cache"; return 0; fi
  for dll in "$@"; do
    [[ -f $dll ]] || continue
    for isa in default AVX2 AVX SSE41; do
      if [[ $isa == default ]]; then
        env -u DNNL_MAX_CPU_ISA dotnet "$dll" --self-check >/dev/null 2>&1 && break
      else
        DNNL_MAX_CPU_ISA=$isa dotnet "$dll" --self-check >/dev/null 2>&1 && break
      fi
      isa=none
    done
    echo "$isa" >"$cache"
    echo "$isa"
    return 0
  done
}

# Exports DNNL_MAX_CPU_ISA for the processes this script starts, unless the caller set it (an operator's
# override is kept, and the processes' own self-check still guards it). Arguments: probe DLLs, as above.
cpu_backend_env() {
  local isa
  [[ -z ${DNNL_MAX_CPU_ISA:-} ]] || { say "cpu backend: DNNL_MAX_CPU_ISA=$DNNL_MAX_CPU_ISA (set by the caller)"; return 0; }
  isa=$(cpu_backend_isa "$@")
  case $isa in
    "") ;;
    default) ;;
    none) say "warning: libtorch fails its numerical self-check on this CPU at every ISA level; training and TorchSharp evaluation will be refused (README, Troubleshooting)" ;;
    *) export DNNL_MAX_CPU_ISA=$isa; say "cpu backend: DNNL_MAX_CPU_ISA=$isa (the highest oneDNN ISA level that passes the self-check on this CPU)" ;;
  esac
}
