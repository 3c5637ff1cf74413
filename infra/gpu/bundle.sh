#!/usr/bin/env bash
# infra/gpu/bundle.sh [OUT.tar.xz]
# Builds what a bare GPU host (no .NET, no package registry, a CUDA PyTorch installed) needs to run the GPU checks:
# Orchestrator.GpuBench published from the CUDA build (-p:Accelerator=cuda: no libtorch of its own, it loads the
# host's), the .NET runtime it runs on, infra/gpu/peer.py and infra/gpu/check.sh, in one tar.xz of at most 64 MiB
# (what the project's device tool carries). Default output: .local/gpu/bundle.tar.xz. On the GPU host:
#   bash infra/gpu/check.sh .local/gpu/bundle.tar.xz       (see docs/gpu.md)
# Left out: ONNX Runtime's CUDA provider library (289 MB; eval-gpu then says it is unavailable there, and the CPU
# provider is used), the Debian libstdc++ shim (the unpatched libLibTorchSharp.so from the TorchSharp package is put
# back: GPU hosts have a current libstdc++).
set -euo pipefail
cd "$(dirname "$0")/../.."
source infra/lib.sh
limit=$((64 * 1024 * 1024))
out=${1:-$ORCH_LOCAL/gpu/bundle.tar.xz}
mkdir -p "$(dirname "$out")"
out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

say "publishing Orchestrator.GpuBench (Release, -p:Accelerator=cuda)"
log=$ORCH_LOCAL/gpu/publish.log
dotnet publish infra/gpu/Orchestrator.GpuBench/Orchestrator.GpuBench.csproj -c Release -p:Accelerator=cuda --nologo -v q \
  -o "$stage/app" >"$log" 2>&1 || { grep -E ': error ' "$log" | sort -u | head -20 >&2; die "publish failed (log: $log)"; }

app=$stage/app
if compgen -G "$app/libtorch*.so" >/dev/null || compgen -G "$app/libc10*.so" >/dev/null; then
  die "the CUDA build's publish holds a libtorch of its own; a GPU host must load its own (docs/adr/0003)"
fi
rm -f "$app"/libonnxruntime_providers_cuda.so "$app"/libonnxruntime_providers_tensorrt.so "$app"/libOrchestratorGlibcxxShim.so "$app"/*.pdb

# TorchSharp's native glue as it ships (the NuGet cache's copy is patched for Debian 12's libstdc++, ADR 0006).
version=$(sed -n 's/.*"TorchSharp\/\([0-9.]*\)".*/\1/p' "$app"/Orchestrator.GpuBench.deps.json | head -1)
package=${NUGET_PACKAGES:-$HOME/.nuget/packages}/torchsharp/$version/torchsharp.$version.nupkg
[[ -f $package ]] || die "TorchSharp $version package not found at $package"
unzip -p "$package" runtimes/linux-x64/native/libLibTorchSharp.so >"$app/libLibTorchSharp.so"

# The .NET runtime of the app's runtimeconfig (framework-dependent publish + the framework = runs with no .NET installed).
root=$(dirname "$(readlink -f "$(command -v dotnet)")")
framework=$(sed -n 's/.*"version": "\([0-9.]*\)".*/\1/p' "$app"/Orchestrator.GpuBench.runtimeconfig.json | head -1)
runtime=$(ls "$root/shared/Microsoft.NETCore.App" | grep "^${framework%.*}\." | sort -V | tail -1)
[[ -n $runtime ]] || die "no Microsoft.NETCore.App ${framework%.*}.x under $root"
mkdir -p "$stage/dotnet/host" "$stage/dotnet/shared/Microsoft.NETCore.App"
cp "$root/dotnet" "$stage/dotnet/"
cp -r "$root/host/fxr" "$stage/dotnet/host/"
cp -r "$root/shared/Microsoft.NETCore.App/$runtime" "$stage/dotnet/shared/Microsoft.NETCore.App/"
cp infra/gpu/peer.py infra/gpu/check.sh "$stage/"
echo "Orchestrator.GpuBench $(git rev-parse --short HEAD 2>/dev/null || echo unknown), .NET $runtime, TorchSharp $version, built $(date -u +%FT%TZ)" >"$stage/BUNDLE"

say "compressing"
tar -C "$stage" -cf - . | xz -T0 -9 >"$out"
size=$(stat -c %s "$out")
echo "$out: $((size / 1024 / 1024)) MiB ($size bytes; the limit is $limit)"
((size <= limit)) || die "the bundle is over 64 MiB"
