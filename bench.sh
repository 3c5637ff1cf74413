#!/usr/bin/env bash
# ./bench.sh [NAME...]   runs the benchmarks (all, or the named ones; --list names them). Each prints
# `bench NAME: ratio=R value=V UNIT baseline=B UNIT` with the baseline measured in the same run.
# BENCH_SCALE=0.1 shrinks every workload for a quick smoke run.
set -uo pipefail
cd "$(dirname "$0")"
source infra/lib.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

started=()
cleanup() { local s; for s in "${started[@]}"; do infra/"$s".sh stop >/dev/null 2>&1 || true; done; }
trap cleanup EXIT
trap 'exit 130' INT TERM

infra/prerequisites.sh || exit 1

# GPU benchmarks alone (train-gpu, eval-gpu): the small GPU program, no servers; the CUDA build where a GPU answers,
# else the CPU build, whose benchmarks print why they skip (docs/gpu.md).
gpu_only=$(( $# > 0 ))
for name in "$@"; do [[ $name == *-gpu ]] || gpu_only=0; done
if ((gpu_only)); then
  accelerator=cpu bin=bin
  if command -v nvidia-smi >/dev/null && nvidia-smi -L >/dev/null 2>&1; then accelerator=cuda bin=bin-cuda; fi
  log=$ORCH_LOCAL/bench-gpu-build.log
  dotnet build infra/gpu/Orchestrator.GpuBench/Orchestrator.GpuBench.csproj -c Release -p:Accelerator=$accelerator --nologo -v q >"$log" 2>&1 \
    || { grep -E ': error ' "$log" | sort -u | head -20 >&2; echo "bench.sh: build failed (log: $log)" >&2; exit 1; }
  exec dotnet infra/gpu/Orchestrator.GpuBench/$bin/Release/net10.0/Orchestrator.GpuBench.dll "$@"
fi

project=tests/Orchestrator.Benchmarks/Orchestrator.Benchmarks.csproj
log=$ORCH_LOCAL/bench-build.log
dotnet build "$project" -c Release --nologo -v q >"$log" 2>&1 \
  || { grep -E ': error ' "$log" | sort -u | head -20 >&2; echo "bench.sh: build failed (log: $log)" >&2; exit 1; }
dll=tests/Orchestrator.Benchmarks/bin/Release/net10.0/Orchestrator.Benchmarks.dll
# console-pages runs the service itself (as ./run.sh serves it, on this checkout's ledger): its Release build and Temporal.
servers=(postgres azurite)
if [[ ${1:-} != --list ]] && { (($# == 0)) || [[ " $* " == *" console-pages "* ]]; }; then
  servers+=(temporal)
  dotnet build api/Orchestrator.Api/Orchestrator.Api.csproj -c Release --nologo -v q >"$ORCH_LOCAL/bench-api-build.log" 2>&1 \
    || { grep -E ': error ' "$ORCH_LOCAL/bench-api-build.log" | sort -u | head -20 >&2; echo "bench.sh: building the service failed" >&2; exit 1; }
fi
if [[ ${1:-} != --list ]]; then
  cpu_backend_env "$dll"   # libtorch must compute correctly on this CPU (docs/adr/0021)
  for s in "${servers[@]}"; do
    infra/"$s".sh status | grep -q running || started+=("$s")
    env_out=$(infra/"$s".sh start) || exit 1
    eval "$env_out"
  done
fi
dotnet "$dll" "$@"
