#!/usr/bin/env bash
# Installs what the build and the local servers need and a fresh Debian machine may lack.
# Only the .NET SDK itself is a prerequisite the scripts cannot install (README: Prerequisites).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

command -v dotnet >/dev/null || die "the .NET 10 SDK is required and is not on PATH: install it from https://dot.net, then run this again"
needed=()
command -v python3 >/dev/null || needed+=(python3)
command -v g++ >/dev/null || needed+=(g++)        # TorchSharp's libstdc++ shim (docs/adr/0006)
command -v patchelf >/dev/null || needed+=(patchelf)
command -v node >/dev/null || needed+=(nodejs)     # Azurite
command -v npm >/dev/null || needed+=(npm)
command -v runuser >/dev/null || needed+=(util-linux)
# The console's browser tests drive Debian's chromium (tests/Orchestrator.Console.Tests); no browser is ever downloaded.
[[ -x /usr/bin/chromium ]] || needed+=(chromium)
((${#needed[@]} == 0)) || apt_install "${needed[@]}"

# The build needs about 2 GiB beside the package cache (docs/adr/0033); name a full disk before it fails.
free_kib=$(df -Pk . | awk 'NR==2 {print $4}')
if [[ -n $free_kib ]] && ((free_kib < 3 * 1024 * 1024)); then
  echo "prerequisites: warning: only $((free_kib / 1024)) MiB free on $(df -P . | awk 'NR==2 {print $6}'); the build and the servers need about 3 GiB" >&2
fi
