#!/bin/bash
# Entry point of localhost/kudos-postgres:local: on an empty data folder, create the cluster with POSTGRES_USER as its
# superuser (password POSTGRES_PASSWORD, scram-sha-256 over TCP), create POSTGRES_DB and run
# /docker-entrypoint-initdb.d/*.sql in it; then serve on every address of the container as user postgres.
set -euo pipefail

: "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD must be set}"
user=${POSTGRES_USER:-postgres}
db=${POSTGRES_DB:-$user}
bin=/usr/lib/postgresql/15/bin

if [[ $(id -u) -eq 0 ]]; then
  # A fresh named volume belongs to root: hand it to postgres, then run this script again as postgres.
  chown postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

if [[ ! -s $PGDATA/PG_VERSION ]]; then
  echo "postgres-entrypoint: initialising $PGDATA" >&2
  pwfile=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
  "$bin/initdb" -D "$PGDATA" -U "$user" --pwfile="$pwfile" -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  rm -f "$pwfile"
  echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
  # Initialise through the socket only: nothing can connect over TCP before the schema is there.
  "$bin/pg_ctl" -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
  if [[ $db != postgres ]]; then
    "$bin/psql" -v ON_ERROR_STOP=1 -q -U "$user" -d postgres -c "CREATE DATABASE \"$db\""
  fi
  for script in /docker-entrypoint-initdb.d/*.sql; do
    [[ -e $script ]] || continue
    echo "postgres-entrypoint: running $script" >&2
    "$bin/psql" -v ON_ERROR_STOP=1 -q -U "$user" -d "$db" -f "$script"
  done
  "$bin/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null
fi

exec "$bin/postgres" -D "$PGDATA" -c listen_addresses='*' "$@"
