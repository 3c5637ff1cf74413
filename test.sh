#!/usr/bin/env bash
# Runs every test: installs what is missing, restores, builds (zero warnings), starts PostgreSQL and
# Azurite on free 127.0.0.1 ports, runs all test projects, stops what it started (also on failure or
# Ctrl-C), prints `tests: N passed, N failed, N skipped` and exits non-zero on any failure.
# Extra arguments go to `dotnet test`, e.g. ./test.sh --filter-method "*Ledger*".
# TEMPORAL_ADDRESS=host:port runs the Temporal conformance suite against that server instead.
set -uo pipefail
cd "$(dirname "$0")"
source infra/lib.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log_dir=$ORCH_LOCAL/test
mkdir -p "$log_dir"
started=()
cleanup() {
  local s
  for s in "${started[@]}"; do infra/"$s".sh stop >/dev/null 2>&1 || true; done
  started=()
}
trap cleanup EXIT
trap 'echo "test.sh: interrupted" >&2; exit 130' INT TERM

finish() {  # finish PASSED FAILED SKIPPED EXIT_CODE
  echo "tests: $1 passed, $2 failed, $3 skipped"
  exit "$4"
}

infra/prerequisites.sh || finish 0 1 0 1

say "restoring and building (Debug, warnings are errors)"
if ! dotnet build Orchestrator.sln -c Debug --nologo -v q -clp:NoSummary >"$log_dir/build.log" 2>&1; then
  grep -E ': (error|warning) ' "$log_dir/build.log" | sort -u | head -30 >&2
  echo "test.sh: the build failed (full log: $log_dir/build.log)" >&2
  finish 0 1 0 1
fi

# libtorch must compute correctly on this CPU before any test trains (docs/adr/0021).
cpu_backend_env api/Orchestrator.Api/bin/Debug/net10.0/Orchestrator.Api.dll

for s in postgres azurite; do
  if ! infra/"$s".sh status | grep -q running; then started+=("$s"); fi
  env_out=$(infra/"$s".sh start) || { echo "test.sh: could not start $s" >&2; finish 0 1 0 1; }
  eval "$env_out"
done

say "running the tests"
dotnet test --solution Orchestrator.sln -c Debug --no-build --no-progress "$@" 2>&1 | tee "$log_dir/test.log"
code=${PIPESTATUS[0]}

count() { grep -E "^\s+$1: [0-9]+" "$log_dir/test.log" | tail -1 | grep -oE '[0-9]+' || echo 0; }
passed=$(count succeeded)
failed=$(count failed)
skipped=$(count skipped)
if ((code != 0 && failed == 0)); then
  echo "test.sh: dotnet test exited with $code without a failed test: a test host crashed or no test ran (see $log_dir/test.log)" >&2
  failed=1
fi
finish "$passed" "$failed" "$skipped" "$((code == 0 ? 0 : 1))"
