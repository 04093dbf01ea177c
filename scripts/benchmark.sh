#!/usr/bin/env bash
# Benchmarks (not part of the test suite). Prints its figures and writes them to target/bench/.
#   scripts/benchmark.sh                 scheduler sweep of 2,000 due keys against OpenBao
#   KEYS=500 scripts/benchmark.sh        another number of keys
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/services.sh up >/dev/null
export KEYROTATOR_BAO="$(scripts/services.sh env | sed -n 's/^export KEYROTATOR_BAO=//p')"
./mvnw -B -q verify -Dsurefire.skip=true -Dit.test=SchedulerSweepBenchmark \
  -Dfailsafe.failIfNoSpecifiedTests=false "-Dkeyrotator.bench.keys=${KEYS:-2000}" \
  -DargLine="-Dkeyrotator.bench.keys=${KEYS:-2000}" 2>&1 | sed -n '/== scheduler sweep ==/,/figures in/p'
cat target/bench/scheduler-sweep.json
