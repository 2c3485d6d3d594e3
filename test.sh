#!/usr/bin/env bash
# Runs the whole test suite against real components the script starts itself:
# a private, throwaway PostgreSQL cluster (KUDOS_TEST_POSTGRES) on a free port. The tests start their own
# SMTP servers (deploy/local/smtp_server.py) through Kudos.Testing.
#
#   ./test.sh                      everything (what CI runs; the container tier too: tests/Kudos.ContainerTests)
#   ./test.sh --fast               unit and in-process grain tests only (Kudos.Fast.slnf): no database, under 2 minutes
#   ./test.sh --filter Smtp        extra arguments go to `dotnet test`
#   ./test.sh --containers         only the container tier (podman, the compose stack, failover), timings shown;
#                                  KUDOS_SKIP_CONTAINERS=1 skips that tier in any run
#
# Ends with a line "N passed, N failed, N skipped" computed from the TRX files and exits with dotnet
# test's exit code. TRX files land in TestResults/run-*/ (git-ignored).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
cd "$root"

tests="$root/Kudos.Orleans.sln"
fast=0
if [[ ${1:-} == --containers ]]; then
  shift
  tests="$root/tests/Kudos.ContainerTests/Kudos.ContainerTests.csproj"
  KUDOS_TEST_VERBOSITY=${KUDOS_TEST_VERBOSITY:-detailed}  # the tier's timings are in its test output
elif [[ ${1:-} == --fast ]]; then
  # The tier that needs neither PostgreSQL nor separate processes (beyond the SMTP test server).
  shift
  tests="$root/Kudos.Fast.slnf"
  fast=1
fi

"$root/deploy/local/ensure-deps.sh"

pg_dir="$root/.local/test-pg-$$"
mkdir -p "$root/.local"
# As root the cluster runs as `postgres`, which must be able to reach the folder (not the case under /root).
if [[ $(id -u) -eq 0 ]] && id -u postgres >/dev/null 2>&1 && ! runuser -u postgres -- test -x "$root/.local"; then
  pg_dir=$(mktemp -d /tmp/kudos-test-pg.XXXXXX)
fi
results_dir="$root/TestResults/run-$(date -u +%Y%m%dT%H%M%SZ)-$$"

cleanup() {
  "$root/deploy/local/postgres.sh" stop "$pg_dir" || true
  rm -rf "$pg_dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ $fast -eq 0 ]]; then
  # A throwaway cluster: durability is not worth the fsyncs.
  KUDOS_PG_FAST=1 "$root/deploy/local/postgres.sh" start "$pg_dir"
  KUDOS_TEST_POSTGRES=$("$root/deploy/local/postgres.sh" url "$pg_dir")
  export KUDOS_TEST_POSTGRES
  echo "test.sh: KUDOS_TEST_POSTGRES=$KUDOS_TEST_POSTGRES" >&2
fi

set +e
# The hang bound is per test: the container tier's first run on a fresh machine (base images, cold image builds,
# then the stack) is one test of ~8 minutes under the load of the other tiers.
dotnet test "$tests" \
  --logger "trx" \
  --logger "console;verbosity=${KUDOS_TEST_VERBOSITY:-minimal}" \
  --results-directory "$results_dir" \
  --blame-hang-timeout "${KUDOS_TEST_HANG_TIMEOUT:-20m}" \
  --blame-hang-dump-type "${KUDOS_TEST_HANG_DUMP:-none}" \
  "$@"
status=$?
set -e

# Sum the counters of every TRX file of this run.
/usr/bin/python3 - "$results_dir" <<'PY'
import pathlib, sys, xml.etree.ElementTree as ET
passed = failed = skipped = 0
for trx in pathlib.Path(sys.argv[1]).rglob("*.trx"):
    counters = ET.parse(trx).getroot().find(".//{*}ResultSummary/{*}Counters")
    if counters is None:
        continue
    n = lambda name: int(counters.get(name, "0"))
    passed += n("passed")
    failed += n("failed") + n("error") + n("timeout") + n("aborted")
    skipped += n("notExecuted")
print(f"test.sh: results in {sys.argv[1]}", file=sys.stderr)
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
exit "$status"
