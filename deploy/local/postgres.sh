#!/usr/bin/env bash
# Manage a private PostgreSQL cluster in a project-local folder (no system service, no Docker).
#
#   postgres.sh start DATA_DIR [PORT]   initdb if DATA_DIR holds no cluster, start it, wait until ready
#   postgres.sh stop  DATA_DIR          stop it (fast shutdown); no-op when not running
#   postgres.sh url   DATA_DIR          print the Npgsql connection string
#   postgres.sh status DATA_DIR         exit 0 when running
#   postgres.sh locate CLONE_DIR        print the persistent DATA_DIR of the clone's local cluster (see locate())
#
# The cluster listens on 127.0.0.1 only (trust auth on loopback, unix socket inside DATA_DIR). Without
# PORT a free one is picked and remembered in DATA_DIR/kudos.port, so a restart reuses it.
# KUDOS_PG_FAST=1 turns off fsync & co. (throwaway test clusters only: a crash can corrupt the data).
# KUDOS_PG_STAT_STATEMENTS=1 preloads pg_stat_statements (benchmarks; then CREATE EXTENSION in a database).
# As root, initdb/pg_ctl run as the `postgres` OS user (created if missing), who then owns DATA_DIR.
set -euo pipefail

usage() {
  echo "usage: $0 start DATA_DIR [PORT] | stop DATA_DIR | url DATA_DIR | status DATA_DIR | locate CLONE_DIR" >&2
  exit 2
}

[[ $# -ge 2 ]] || usage
command=$1
data_dir=$2
requested_port=${3:-}

# The persistent cluster of a clone (./run.sh). The rule depends only on the clone's path, never on what exists:
#   - CLONE_DIR/.local/pg when the cluster's owner can reach it (not root; or root and the OS user `postgres` can
#     traverse CLONE_DIR, e.g. /srv/kudos or /home/me/kudos);
#   - otherwise /var/tmp/kudos-orleans-<hash of CLONE_DIR>/pg (e.g. a clone under /root, closed to other users).
# A cluster already in the other place (left by an older ./run.sh) is used rather than replaced by an empty one. With a
# cluster in both places it refuses, names both and touches nothing: only a person can tell which one holds the data.
locate() {
  local clone primary other hash
  clone=$(cd "$1" && pwd -P)
  hash=$(printf '%s' "$clone" | sha1sum | cut -c1-12)
  primary="$clone/.local/pg"
  other="/var/tmp/kudos-orleans-$hash/pg"
  if [[ $(id -u) -eq 0 ]]; then
    ensure_user
    if ! runuser -u postgres -- test -x "$clone" 2>/dev/null; then
      primary="/var/tmp/kudos-orleans-$hash/pg"
      other="$clone/.local/pg"
    fi
  fi
  if [[ -f "$primary/PG_VERSION" && -f "$other/PG_VERSION" ]]; then
    echo "postgres.sh: two local clusters exist for $clone: $primary and $other. Refusing to choose;" \
      "keep the one that holds your data and move the other away (nothing was changed)." >&2
    exit 1
  fi
  if [[ -f "$other/PG_VERSION" ]]; then
    echo "$other"
  else
    echo "$primary"
  fi
}
[[ $command != start ]] || mkdir -p "$data_dir"
if [[ ! -d "$data_dir" ]]; then
  [[ $command == stop ]] && exit 0
  echo "postgres.sh: $data_dir does not exist" >&2
  exit 1
fi
data_dir=$(cd "$data_dir" && pwd -P)
port_file="$data_dir/kudos.port"
log_file="$data_dir/postgres.log"

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [[ -z "$dir" || ! -x "$dir/pg_ctl" ]]; then
    echo "postgres.sh: no PostgreSQL server binaries under /usr/lib/postgresql/*/bin;" \
      "run deploy/local/ensure-deps.sh (apt-get install postgresql)" >&2
    exit 1
  fi
  echo "$dir"
}

# Runs a PostgreSQL binary as the cluster's owner: initdb and postgres refuse to run as root.
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    # From /: the caller's folder may be unreadable to `postgres` (pg_ctl would complain about it).
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

ensure_user() {
  if ! id -u postgres >/dev/null 2>&1; then
    local group_option=--user-group
    getent group postgres >/dev/null && group_option="--gid postgres"
    # shellcheck disable=SC2086 # two words on purpose
    useradd --system --no-create-home --home-dir /var/lib/postgresql --shell /bin/bash $group_option postgres
  fi
}

ensure_owner() {
  [[ $(id -u) -eq 0 ]] || return 0
  ensure_user
  chown postgres: "$data_dir"
  chmod 700 "$data_dir"
  if ! runuser -u postgres -- test -w "$data_dir"; then
    echo "postgres.sh: user 'postgres' cannot reach $data_dir (a parent folder is not traversable," \
      "e.g. under /root); use a DATA_DIR under /tmp or /work" >&2
    exit 1
  fi
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Below the kernel's ephemeral range: a port in it may be taken by any process's next outgoing connection.
pick_free_port() {
  local port ceiling
  ceiling=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true)
  [[ $ceiling =~ ^[0-9]+$ && $ceiling -gt 12000 ]] || ceiling=32768
  for _ in $(seq 1 200); do
    port=$((10000 + RANDOM % (ceiling - 10000)))
    port_in_use "$port" || { echo "$port"; return 0; }
  done
  echo "postgres.sh: no free port found" >&2
  exit 1
}

is_running() {
  [[ -f "$data_dir/PG_VERSION" ]] && as_owner "$(pg_bin)/pg_ctl" status -D "$data_dir" >/dev/null 2>&1
}

current_port() {
  if [[ ! -s "$port_file" ]]; then
    echo "postgres.sh: no cluster has been started in $data_dir (missing $port_file)" >&2
    exit 1
  fi
  cat "$port_file"
}

init_cluster() {
  local bin=$1
  if [[ -n "$(ls -A "$data_dir" 2>/dev/null)" ]]; then
    echo "postgres.sh: $data_dir is not empty and holds no PostgreSQL cluster (no PG_VERSION)" >&2
    exit 1
  fi
  local output
  if ! output=$(as_owner "$bin/initdb" -D "$data_dir" -U postgres --auth=trust --encoding=UTF8 \
    --no-locale 2>&1); then
    echo "$output" >&2
    echo "postgres.sh: initdb failed for $data_dir" >&2
    exit 1
  fi
  # Loopback only: no remote access, trust for local tooling and tests.
  as_owner tee "$data_dir/pg_hba.conf" >/dev/null <<'EOF'
# TYPE  DATABASE  USER  ADDRESS        METHOD
local   all       all                  trust
host    all       all   127.0.0.1/32   trust
EOF
  as_owner tee -a "$data_dir/postgresql.conf" >/dev/null <<EOF

# --- Kudos local cluster (deploy/local/postgres.sh) ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$data_dir'
# Each Orleans silo holds ~21 pooled connections and tests run several silos and databases at once.
max_connections = 300
shared_buffers = 128MB
EOF
}

start() {
  local bin port options attempt output
  bin=$(pg_bin)
  ensure_owner
  [[ -f "$data_dir/PG_VERSION" ]] || init_cluster "$bin"
  if is_running; then
    echo "postgres.sh: already running on port $(current_port) ($data_dir)" >&2
    return 0
  fi
  options=""
  if [[ "${KUDOS_PG_FAST:-0}" == "1" ]]; then
    options="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  fi
  if [[ "${KUDOS_PG_STAT_STATEMENTS:-0}" == "1" ]]; then
    options="$options -c shared_preload_libraries=pg_stat_statements"
  fi
  for attempt in 1 2 3; do
    if [[ -n "$requested_port" ]]; then
      port=$requested_port
    elif [[ -s "$port_file" ]]; then
      port=$(cat "$port_file")
    else
      port=$(pick_free_port)
    fi
    echo "$port" >"$port_file"
    [[ $(id -u) -eq 0 ]] && chown postgres: "$port_file"
    if output=$(as_owner "$bin/pg_ctl" start -D "$data_dir" -l "$log_file" -w -t 60 -s \
      -o "-p $port $options" 2>&1); then
      break
    fi
    # A remembered or chosen port may have been taken meanwhile: choose another unless one was asked for.
    if [[ -z "$requested_port" && $attempt -lt 3 ]] && port_in_use "$port"; then
      rm -f "$port_file"
      continue
    fi
    echo "$output" >&2
    echo "postgres.sh: PostgreSQL failed to start on port $port; last lines of $log_file:" >&2
    tail -n 20 "$log_file" >&2 || true
    exit 1
  done
  for _ in $(seq 1 120); do
    if "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -d postgres -U postgres; then
      echo "postgres.sh: PostgreSQL ready on 127.0.0.1:$port ($data_dir)" >&2
      return 0
    fi
    sleep 0.5
  done
  echo "postgres.sh: PostgreSQL on port $port did not become ready; see $log_file" >&2
  exit 1
}

stop() {
  if [[ ! -f "$data_dir/PG_VERSION" ]]; then
    return 0
  fi
  if is_running; then
    as_owner "$(pg_bin)/pg_ctl" stop -D "$data_dir" -m fast -w -t 60 -s
    echo "postgres.sh: stopped ($data_dir)" >&2
  fi
}

case "$command" in
  start) start ;;
  stop) stop ;;
  url) echo "Host=127.0.0.1;Port=$(current_port);Username=postgres;Database=postgres" ;;
  status) is_running ;;
  locate) locate "$data_dir" ;;
  *) usage ;;
esac
