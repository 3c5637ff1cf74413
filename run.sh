#!/usr/bin/env bash
# ./run.sh [--port P]   starts PostgreSQL, Azurite and Temporal on 127.0.0.1, then the service in the
#                       foreground on http://127.0.0.1:P (default 5080); Ctrl-C stops it all.
# ./run.sh demo         runs one governed pipeline end to end through the API, then (on a terminal, or
#                       with --keep-serving) keeps the service up so the console shows the demo's run and model.
set -uo pipefail
cd "$(dirname "$0")"
source infra/lib.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

mode=serve
port=5080
keep_serving=0
[[ -t 0 && -t 1 ]] && keep_serving=1
while (($#)); do
  case $1 in
    demo) mode=demo ;;
    --port) port=${2:?--port needs a value}; shift ;;
    --port=*) port=${1#--port=} ;;
    --keep-serving) keep_serving=1 ;;
    --no-keep-serving) keep_serving=0 ;;
    -h|--help) sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ $port =~ ^[0-9]+$ ]] && ((port > 0 && port < 65536)) || { echo "run.sh: --port must be a TCP port number, got '$port'" >&2; exit 2; }

api_project=api/Orchestrator.Api/Orchestrator.Api.csproj
if [[ $mode == demo ]] && ! cli_help=$(./orchestrator --help 2>&1); then
  echo "run.sh demo: the CLI could not be built or run:" >&2
  tail -5 <<<"$cli_help" >&2
  exit 1
fi

started=()
service_pid=
cleanup() {
  local s
  [[ -z $service_pid ]] || { kill -TERM "$service_pid" 2>/dev/null; wait "$service_pid" 2>/dev/null; }
  for s in "${started[@]}"; do infra/"$s".sh stop >/dev/null 2>&1 || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM
infra/prerequisites.sh || exit 1
for s in postgres azurite temporal; do
  infra/"$s".sh status | grep -q running || started+=("$s")
  env_out=$(infra/"$s".sh start) || exit 1
  eval "$env_out"
done

dotnet build "$api_project" -c Release --nologo -v q >/dev/null || { echo "run.sh: building the service failed" >&2; exit 1; }
# The service's workers train with libtorch: start it under an ISA limit that computes correctly here (docs/adr/0021).
cpu_backend_env api/Orchestrator.Api/bin/Release/net10.0/Orchestrator.Api.dll
if [[ $mode == serve ]]; then
  exec_url=http://127.0.0.1:$port
  say "service on $exec_url (Ctrl-C stops it and the servers this script started)"
  say "console on $exec_url/console (approvals, runs, models, audit; Development sign-in, docs/console.md)"
  # In the background and waited on, so Ctrl-C or a TERM to this script stops the service at once.
  ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Development} \
    dotnet run --project "$api_project" -c Release --no-build --no-launch-profile -- --urls "$exec_url" &
  service_pid=$!
  wait "$service_pid"
else
  # The demo: the service exactly as served above (in the background, its log in .local/demo/), then the
  # demo driver against it over HTTP. Exit code: the driver's (0 only when everything verified).
  exec_url=http://127.0.0.1:$port
  port_open "$port" && { echo "run.sh demo: something already listens on $exec_url; pass --port P or stop it" >&2; exit 1; }
  mkdir -p .local/demo
  service_log=.local/demo/service.log
  demo_started=$SECONDS
  say "demo: service on $exec_url (log: $service_log)"
  # The demo's canary traffic is one identity sending about 100 predict requests a second: above the default
  # per-identity budget (README, "Rate limits"), so the demo's service gets a larger one.
  Orchestrator__RateLimits__Predict__PermitsPerMinute=${Orchestrator__RateLimits__Predict__PermitsPerMinute:-60000} \
  Orchestrator__RateLimits__Predict__Burst=${Orchestrator__RateLimits__Predict__Burst:-2000} \
  ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Development} \
    dotnet run --project "$api_project" -c Release --no-build --no-launch-profile -- --urls "$exec_url" >"$service_log" 2>&1 &
  service_pid=$!
  until curl -fs "$exec_url/healthz" >/dev/null 2>&1; do
    kill -0 "$service_pid" 2>/dev/null || { echo "run.sh demo: the service exited at start-up; last lines of $service_log:" >&2; tail -20 "$service_log" >&2; exit 1; }
    ((SECONDS - demo_started < 180)) || { echo "run.sh demo: the service did not answer /healthz within 180 s (log: $service_log)" >&2; exit 1; }
    sleep 0.5
  done
  ./orchestrator demo --api "$exec_url"
  rc=$?
  echo "run.sh demo: wall time $((SECONDS / 60)) min $((SECONDS % 60)) s in all (build and servers included), $(((SECONDS - demo_started) / 60)) min $(((SECONDS - demo_started) % 60)) s from the service start; load$(uptime | sed 's/.*load average//')" >&2
  # The demo's run and model stay in the ledger (.local/): the console shows them (the demo printed their pages).
  if ((keep_serving)); then
    echo "console: $exec_url/console (the demo's run and model are there, links above; Development sign-in). Ctrl-C stops the service and the servers"
    wait "$service_pid"
  else
    echo "console: $exec_url/console (the demo's run and model are in the ledger; ./run.sh --port $port serves them there)"
  fi
  exit $rc
fi
