#!/usr/bin/env bash
# infra/gpu/check.sh [BUNDLE.tar.xz]
# On a GPU host (NVIDIA driver, a CUDA PyTorch for python3; no .NET needed): unpacks the archive infra/gpu/bundle.sh
# built (or, without an argument, runs from the unpacked bundle it sits in) and runs the GPU checks CI cannot:
# the GPU worker's device check, the GPU self-test (NVML, the on-device data path against the CPU preprocessor, a real
# CUDA out-of-memory, pinned buffers, the ONNX Runtime provider), then ./bench.sh's train-gpu and eval-gpu, and
# prints the issue's three ratios with the GPU's name. Everything goes to standard output and to gpu-check.log
# ($OUT/ when set, as the device tool collects it). Exit code 0 when the device check and the self-test passed.
# BENCH_SCALE (default 1) scales the benchmark's image count (2560 at 1).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if (($# >= 1)); then
  dir=$(mktemp -d)
  tar -xJf "$1" -C "$dir" || { echo "check.sh: cannot unpack $1" >&2; exit 2; }
else
  dir=$here
fi
[[ -x $dir/dotnet/dotnet && -f $dir/app/Orchestrator.GpuBench.dll ]] \
  || { echo "check.sh: $dir is not an unpacked bundle (build one with infra/gpu/bundle.sh)" >&2; exit 2; }

export DOTNET_ROOT=$dir/dotnet PATH=$dir/dotnet:$PATH DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
export ORCHESTRATOR_GPU_PEER=$dir/peer.py
# NVML numbers GPUs in PCI order; make CUDA agree, so telemetry reads the GPU that trains (docs/gpu.md).
export CUDA_DEVICE_ORDER=${CUDA_DEVICE_ORDER:-PCI_BUS_ID}
log=${OUT:-$dir}/gpu-check.log
app=("$dir/dotnet/dotnet" "$dir/app/Orchestrator.GpuBench.dll")

{
  echo "== bundle: $(cat "$dir/BUNDLE" 2>/dev/null)"
  echo "== host: $(date -u +%FT%TZ)"
  nvidia-smi --query-gpu=index,name,driver_version,memory.total --format=csv,noheader 2>&1 || echo "nvidia-smi: not available"
  python3 -c 'import torch; print("python3 torch", torch.__version__, "cuda", torch.version.cuda, "cudnn", torch.backends.cudnn.version(), "available", torch.cuda.is_available())' 2>&1
  echo "== device check"
  "${app[@]}" --gpu-check
  echo "device-check-exit=$?"
  echo "== self-test"
  "${app[@]}" gpu-selftest
  echo "self-test-exit=$?"
  echo "== benchmarks (BENCH_SCALE=${BENCH_SCALE:-1})"
  "${app[@]}" train-gpu eval-gpu
  echo "bench-exit=$?"
} 2>&1 | tee "$log"

# The named line's figure, else the benchmark's own skip line (a benchmark that cannot run prints one for all).
ratio() {
  local line
  line=$(grep -E "^bench $1: (ratio=|skipped: )" "$log" | head -1)
  [[ -n $line ]] || line=$(grep -E "^bench ${1%%/*}: skipped: " "$log" | head -1)
  echo "${line#*: }"
}
gpu=$(grep -oE 'gpu="[^"]*"' "$log" | head -1 | sed 's/gpu=//; s/"//g')
{
  echo
  echo "== summary (GPU: ${gpu:-unknown})"
  echo "Train activity's trainer / bare TorchSharp loop (target >= 0.9):            $(ratio train-gpu/trainer-vs-bare)"
  echo "bare TorchSharp loop / PyTorch eager, TF32, NCHW (target >= 0.9):           $(ratio train-gpu/bare-vs-pytorch-eager)"
  echo "Train activity's trainer / PyTorch bf16 autocast + channels_last (stretch): $(ratio train-gpu/trainer-vs-pytorch-bf16-channels-last)"
  echo "ONNX Runtime CUDA / CPU provider:                                            $(ratio eval-gpu)"
} | tee -a "$log"
grep -q '^device-check-exit=0$' "$log" && grep -q '^self-test-exit=0$' "$log"
