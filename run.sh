#!/usr/bin/env bash
# Runs the whole product locally, without Docker:
#   PostgreSQL (a private cluster, see "Data" below), the mail catcher (.local/mail), N silos (default 1) and the API.
#   Ctrl-C stops everything this script started.
#
#   ./run.sh [--silos N] [--no-build]
#
# Ports (environment overrides; defaults in brackets). Silo i uses base + i for the three silo ports:
#   KUDOS_API_URL [http://127.0.0.1:5080]   KUDOS_SILO_HTTP_PORT [5081] (/health/ready, /metrics, /dashboard/)
#   KUDOS_SILO_PORT [11111]                 KUDOS_GATEWAY_PORT [30000]
#   KUDOS_SMTP_PORT [2525]                  KUDOS_MAIL_HTTP_PORT [8025]
#   KUDOS_PG_PORT [a free one, chosen on the first start and remembered with the data]
# A port already in use stops the start with an error naming it; readiness checks confirm that the answer comes from
# the process this run started (a per-run id), never from another clone's.
# Data: .local/pg in the clone, or /var/tmp/kudos-orleans-<hash>/pg when the clone's folder is closed to the
# `postgres` user (e.g. under /root); the same place on every run (deploy/local/postgres.sh locate).
# KUDOS_DASHBOARD_PASSWORD serves the Orleans dashboard (user admin) on the API and every silo. Set Smtp__Host
# (and Smtp__Port, Smtp__Security, Smtp__User, Smtp__Password) to send through a real server instead
# of the catcher. Email__From and Kudos__PublicBaseUrl are passed through when set.
# Logs: .local/logs/*.log (also shown here, prefixed).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
cd "$root"

silos=1
build=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --silos) silos=${2:?--silos needs a number}; shift 2 ;;
    --silos=*) silos=${1#--silos=}; shift ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ $silos =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --silos must be a positive number" >&2; exit 2; }

api_url=${KUDOS_API_URL:-http://127.0.0.1:5080}
silo_port=${KUDOS_SILO_PORT:-11111}
gateway_port=${KUDOS_GATEWAY_PORT:-30000}
silo_http_port=${KUDOS_SILO_HTTP_PORT:-5081}
smtp_port=${KUDOS_SMTP_PORT:-2525}
mail_http_port=${KUDOS_MAIL_HTTP_PORT:-8025}
for value in "$silo_port" "$gateway_port" "$silo_http_port" "$smtp_port" "$mail_http_port"; do
  [[ $value =~ ^[1-9][0-9]{0,4}$ && $value -le 65535 ]] || { echo "run.sh: '$value' is not a port number" >&2; exit 2; }
done
[[ $api_url =~ ^http://[^/:]+:([0-9]+)/?$ ]] || { echo "run.sh: KUDOS_API_URL must look like http://HOST:PORT" >&2; exit 2; }
api_port=${BASH_REMATCH[1]}
api_url=${api_url%/}
# Every process started by this run answers its readiness check with this id.
run_id=$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')
export Instance__Id=$run_id
local_dir="$root/.local"
logs="$local_dir/logs"
mkdir -p "$logs"

pids=()
names=()
pg_started=0

say() { echo "run.sh: $*" >&2; }

cleanup() {
  trap - INT TERM EXIT
  local i
  # Reverse start order: API, silos, catcher; then PostgreSQL.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill -TERM "${pids[i]}" 2>/dev/null || true
  done
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    for _ in $(seq 1 60); do
      kill -0 "${pids[i]}" 2>/dev/null || break
      sleep 0.5
    done
    if kill -0 "${pids[i]}" 2>/dev/null; then
      say "${names[i]} did not stop within 30 s; killing it"
      kill -KILL "${pids[i]}" 2>/dev/null || true
    fi
  done
  wait 2>/dev/null || true
  if [[ $pg_started -eq 1 ]]; then
    "$root/deploy/local/postgres.sh" stop "$pg_dir" || true
  fi
  say "stopped"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# start NAME WORKDIR COMMAND... : runs in the background, output to .local/logs/NAME.log and to the terminal.
start() {
  local name=$1 workdir=$2
  shift 2
  : >"$logs/$name.log"
  (cd "$workdir" && exec "$@" </dev/null) > >(tee -a "$logs/$name.log" | sed -u "s/^/[$name] /") 2>&1 &
  pids+=($!)
  names+=("$name")
}

# ensure_free PORT WHAT VARIABLE : stops the start, naming the port, when something already listens on it.
ensure_free() {
  if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
    say "port $1 ($2) is already in use, perhaps by another ./run.sh; set $3 to a free port"
    exit 1
  fi
}

# wait_http NAME URL : until the URL answers with this run's id (a header or, for the mail catcher, the body), or the
# process died, or 120 s passed. Another process answering on the port is a clash, reported as such.
wait_http() {
  local name=$1 url=$2 index=$((${#pids[@]} - 1)) i answer
  for ((i = 0; i < ${#names[@]}; i++)); do [[ ${names[i]} == "$name" ]] && index=$i; done
  for _ in $(seq 1 240); do
    answer=$(curl -s -i --max-time 2 "$url" | tr -d '\r' || true)
    if grep -qiE "^kudos-instance: $run_id\$|^ok $run_id\$" <<<"$answer"; then
      return 0
    fi
    if ! kill -0 "${pids[index]}" 2>/dev/null; then
      [[ -n $answer ]] && say "another process answers $url: a port clash"
      say "$name exited during start-up; see $logs/$name.log"
      exit 1
    fi
    sleep 0.5
  done
  say "$name did not answer $url within 120 s; see $logs/$name.log"
  exit 1
}

"$root/deploy/local/ensure-deps.sh"
command -v curl >/dev/null || { say "curl is needed (apt-get install curl)"; exit 1; }

ensure_free "$api_port" "the API" KUDOS_API_URL
for ((i = 0; i < silos; i++)); do
  ensure_free $((silo_port + i)) "silo $i" KUDOS_SILO_PORT
  ensure_free $((gateway_port + i)) "gateway of silo $i" KUDOS_GATEWAY_PORT
  ensure_free $((silo_http_port + i)) "HTTP of silo $i" KUDOS_SILO_HTTP_PORT
done
if [[ -z "${Smtp__Host:-}" ]]; then
  ensure_free "$smtp_port" "the mail catcher's SMTP" KUDOS_SMTP_PORT
  ensure_free "$mail_http_port" "the mail catcher's web page" KUDOS_MAIL_HTTP_PORT
fi

# --- PostgreSQL ---------------------------------------------------------------------------------
pg_dir=$("$root/deploy/local/postgres.sh" locate "$root")
say "PostgreSQL data: $pg_dir"
"$root/deploy/local/postgres.sh" start "$pg_dir" ${KUDOS_PG_PORT:-}
pg_started=1
pg_port=$(cat "$pg_dir/kudos.port")
psql=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)/psql
if [[ -z $("$psql" -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -tAc \
  "SELECT 1 FROM pg_database WHERE datname = 'kudos'") ]]; then
  "$psql" -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -qc "CREATE DATABASE kudos"
fi
export ConnectionStrings__Kudos="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=kudos;Timeout=60"

# --- Mail -----------------------------------------------------------------------------------------
mail_ui=""
if [[ -n "${Smtp__Host:-}" ]]; then
  say "sending mail through $Smtp__Host:${Smtp__Port:-(default port)} (Smtp__Host is set; no mail catcher)"
else
  start mail "$root" /usr/bin/python3 -u "$root/deploy/local/smtp_server.py" --smtp-port "$smtp_port" \
    --http-port "$mail_http_port" --data-dir "$local_dir/mail" --instance-id "$run_id"
  mail_ui="http://127.0.0.1:$mail_http_port/"
  wait_http mail "${mail_ui}health"
  export Smtp__Host=127.0.0.1 Smtp__Port=$smtp_port Smtp__Security=None
fi
export Email__From=${Email__From:-kudos@localhost}
export Kudos__PublicBaseUrl=${Kudos__PublicBaseUrl:-$api_url}
export Orleans__ClusterId=kudos-local Orleans__ServiceId=kudos
# The interactive API docs (/docs) are for the developer running this: on by default here, opt-in elsewhere.
export ApiDocs__Enabled=${ApiDocs__Enabled:-true}
# The Orleans dashboard (/dashboard/ on the API and each silo) is served only with a password.
if [[ -n "${KUDOS_DASHBOARD_PASSWORD:-}" ]]; then
  export Dashboard__User=${Dashboard__User:-admin} Dashboard__Password=$KUDOS_DASHBOARD_PASSWORD
fi

# --- Build ----------------------------------------------------------------------------------------
if [[ $build -eq 1 ]]; then
  say "building the silo and the API (Release)"
  for project in src/Silo/Kudos.Silo.csproj src/Api/Kudos.Api.csproj; do
    dotnet build "$root/$project" -c Release -nologo -v quiet -clp:NoSummary
  done
fi
silo_dir="$root/src/Silo/bin/Release/net10.0"
api_dir="$root/src/Api/bin/Release/net10.0"

# --- Silos and API --------------------------------------------------------------------------------
# Each process runs from its output folder so it finds its appsettings.json.
for ((i = 0; i < silos; i++)); do
  Orleans__SiloPort=$((silo_port + i)) Orleans__GatewayPort=$((gateway_port + i)) Urls="http://127.0.0.1:$((silo_http_port + i))" \
    start "silo$i" "$silo_dir" dotnet "$silo_dir/Kudos.Silo.dll"
done
for ((i = 0; i < silos; i++)); do
  wait_http "silo$i" "http://127.0.0.1:$((silo_http_port + i))/health/live"
done
start api "$api_dir" dotnet "$api_dir/Kudos.Api.dll" --urls "$api_url"
wait_http api "$api_url/health/live"

echo
echo "  Kudos is running:"
echo "    Web client   $api_url/   (create a board here)"
echo "    API          $api_url/api/boards  (OpenAPI: $api_url/openapi/v1.json)"
echo "    API docs     $api_url/docs  (interactive; ApiDocs__Enabled=false turns it off)"
[[ -n $mail_ui ]] && echo "    Mail catcher $mail_ui   (SMTP 127.0.0.1:$smtp_port)"
for ((i = 0; i < silos; i++)); do
  echo "    Silo $i       http://127.0.0.1:$((silo_http_port + i))/  (silo port $((silo_port + i)), gateway $((gateway_port + i)))"
done
if [[ -n "${Dashboard__Password:-}" ]]; then
  echo "    Dashboard    $api_url/dashboard/  (user $Dashboard__User)"
fi
echo "    Health       $api_url/health/ready · metrics $api_url/metrics"
echo "    PostgreSQL   $ConnectionStrings__Kudos"
echo "    Data         $pg_dir"
echo "    Logs         $logs/"
echo "  Ctrl-C stops everything."
echo

# Run until Ctrl-C or until one of the processes exits on its own.
set +e
wait -n "${pids[@]}"
status=$?
set -e
say "a process exited (status $status); stopping the rest"
exit 1
