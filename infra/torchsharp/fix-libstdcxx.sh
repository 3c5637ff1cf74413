#!/usr/bin/env bash
# Makes TorchSharp's libLibTorchSharp.so load on systems whose libstdc++ lacks GLIBCXX_3.4.32
# (Debian 12). A no-op where the system libstdc++ has it, or where the library is already fixed.
# Usage: fix-libstdcxx.sh LIBLIBTORCHSHARP_SO SHIM_OUTPUT_SO
# Why and when to remove: docs/adr/0006-torchsharp-libstdcxx.md
set -euo pipefail
lib=$1
shim=$2
here=$(cd "$(dirname "$0")" && pwd)
symbol=_ZSt21ios_base_library_initv
version=GLIBCXX_3.4.32
shim_name=$(basename "$shim")

system_libstdcxx=$(ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF; exit}')
if [[ -n "$system_libstdcxx" ]] && grep -qa "$version" "$system_libstdcxx"; then
  exit 0  # the system library is new enough
fi

build_shim() {
  if [[ ! -f "$shim" || "$here/glibcxx_shim.cpp" -nt "$shim" ]]; then
    mkdir -p "$(dirname "$shim")"
    g++ -shared -fPIC -O2 -o "$shim.tmp" "$here/glibcxx_shim.cpp"
    mv -f "$shim.tmp" "$shim"
  fi
}

if readelf -d "$lib" | grep -q "\[$shim_name\]"; then
  build_shim  # library already patched; the shim still has to exist beside the consumer
  exit 0
fi

if ! command -v patchelf >/dev/null 2>&1; then
  echo "fix-libstdcxx: installing patchelf (apt-get)" >&2
  (apt-get install -y -qq patchelf >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y -qq patchelf >/dev/null; }) \
    || { echo "fix-libstdcxx: patchelf is missing and could not be installed; run: apt-get install patchelf" >&2; exit 1; }
fi
build_shim

# Patch a copy and move it into place, so a concurrent build never sees a half-written library.
tmp="$lib.orchestrator-tmp"
cp -f "$lib" "$tmp"
patchelf --clear-symbol-version "$symbol" "$tmp"
patchelf --add-needed "$shim_name" "$tmp"
python3 "$here/weaken_verneed.py" "$tmp" "$version"
mv -f "$tmp" "$lib"
echo "fix-libstdcxx: patched $(basename "$lib") for $version (shim: $shim_name)" >&2
