#!/usr/bin/env bash
# Runs the benchmarks (bench/Kudos.Benchmarks) in Release and writes BENCHMARKS.md.
#
#   ./bench.sh                      every scenario, full sizes (about an hour: P3 idles 3 × 10 minutes)
#   ./bench.sh --scenario P1,P2     some scenarios
#   ./bench.sh --smoke              seconds-long run with tiny sizes (what CI runs); writes no report unless --output
#
# Uses the PostgreSQL in KUDOS_TEST_POSTGRES when set; otherwise the program starts (and removes) a private one with
# pg_stat_statements preloaded. Needs what ./test.sh needs (deploy/local/ensure-deps.sh installs it) plus pgbench
# (Debian's postgresql-client, installed with postgresql).
set -euo pipefail
root=$(cd "$(dirname "$0")" && pwd)
"$root/deploy/local/ensure-deps.sh" >/dev/null
dotnet build "$root/bench/Kudos.Benchmarks/Kudos.Benchmarks.csproj" -c Release -nologo -v quiet -clp:NoSummary
cd "$root"
KUDOS_BENCH_COMMAND="./bench.sh $*" exec dotnet "$root/bench/Kudos.Benchmarks/bin/Release/net10.0/Kudos.Benchmarks.dll" "$@"
