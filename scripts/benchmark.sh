#!/usr/bin/env bash
# The benchmark of issue 15 (not part of the tests): the packaged service, as a process of its own,
# against real PostgreSQL and a real OpenBao, scenario by scenario against a bare-client floor.
# Prints the table and writes every figure to target/bench/results.json.
#
#   scripts/benchmark.sh                   the full run (about 15 minutes on 2 cores)
#   SIZE=medium scripts/benchmark.sh       a few minutes, for working on a miss
#   ONLY=slow,webhooks scripts/benchmark.sh  forced rotations plus these (micro, slow, leaks, jobs, webhooks, scheduler, startup)
#   JVM_OPTIONS='-XX:StartFlightRecording=filename=/tmp/kr.jfr' scripts/benchmark.sh   profile the service
#
# Figures only mean something on a quiet machine: it waits (up to WAIT_SECONDS, 900 by default)
# for other Maven builds and test JVMs to finish and records the load average in the JSON.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/services.sh up >/dev/null
export KEYROTATOR_BAO="$(scripts/services.sh env | sed -n 's/^export KEYROTATOR_BAO=//p')"

# the memory baseline: an empty Spring Boot web+JPA app, built on its own class path
./mvnw -B -q -f bench/empty-app/pom.xml package

for _ in $(seq 1 $(( ${WAIT_SECONDS:-900} / 10 ))); do
  others=$(pgrep -f 'surefire|failsafe|plexus-classworlds' | grep -v "^$$\$" || true)
  [ -z "$others" ] && break
  echo "[benchmark] waiting for other Maven/test JVMs to finish: $(echo $others | tr '\n' ' ')" >&2
  sleep 10
done
echo "[benchmark] load average: $(cat /proc/loadavg)" >&2

mkdir -p target/bench
# the full run takes longer than the test command's per-test (8 min) and per-JVM timeouts
if ! ./mvnw -B verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=KeyrotatorBenchmark \
  -Djunit.jupiter.execution.timeout.default=90m -Dfailsafe.timeout=0 \
  -Dkeyrotator.bench.size="${SIZE:-full}" -Dkeyrotator.bench.only="${ONLY:-all}" \
  -Dkeyrotator.bench.jvm-options="${JVM_OPTIONS:-}" > target/bench/benchmark.log 2>&1; then
  tail -n 40 target/bench/benchmark.log >&2
  echo "[benchmark] failed; the whole output is in target/bench/benchmark.log" >&2
  exit 1
fi
sed -n '/^== keyrotator benchmark/,/^figures in/p' target/bench/benchmark.log
