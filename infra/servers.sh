#!/usr/bin/env bash
# Starts or stops the local servers the service and the tests need, each on a free 127.0.0.1 port,
# and prints the connection settings as shell exports (also saved in .local/servers.env):
#   source <(infra/servers.sh start)          # all: postgres azurite temporal
#   source <(infra/servers.sh start postgres azurite)
#   infra/servers.sh stop                     # stops everything this checkout started
#   infra/servers.sh status | env
# Starting is idempotent: what already runs is reused.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
here=$(dirname "$0")

cmd=${1:-}
shift || true
servers=("$@")
((${#servers[@]})) || servers=(postgres azurite temporal)

case $cmd in
  start)
    {
      for s in "${servers[@]}"; do "$here/$s.sh" start; done
      # For the processes started from this shell: libtorch's ISA limit for this CPU, when known (docs/adr/0021).
      if [[ -z ${DNNL_MAX_CPU_ISA:-} ]]; then
        isa=$(cpu_backend_isa "$ORCH_ROOT"/api/Orchestrator.Api/bin/{Debug,Release}/net10.0/Orchestrator.Api.dll)
        case $isa in "" | default | none) ;; *) echo "export DNNL_MAX_CPU_ISA=$isa" ;; esac
      fi
    } | tee "$ORCH_LOCAL/servers.env" ;;
  stop)
    for s in temporal azurite postgres; do "$here/$s.sh" stop; done
    rm -f "$ORCH_LOCAL/servers.env" ;;
  status)
    for s in "${servers[@]}"; do "$here/$s.sh" status; done ;;
  env)
    for s in "${servers[@]}"; do "$here/$s.sh" env || true; done ;;
  *) echo "usage: $0 start|stop|status|env [postgres] [azurite] [temporal]" >&2; exit 2 ;;
esac
