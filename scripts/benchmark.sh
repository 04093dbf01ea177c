#!/usr/bin/env bash
# Benchmarks (not part of the test suite). Print their figures and write them to target/bench/.
#   scripts/benchmark.sh               scheduler sweep of 2,000 due keys, and webhook fan-out to 50 subscriptions
#   KEYS=500 scripts/benchmark.sh      another number of keys for the sweep
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/services.sh up >/dev/null
export KEYROTATOR_BAO="$(scripts/services.sh env | sed -n 's/^export KEYROTATOR_BAO=//p')"
./mvnw -B verify -Dsurefire.skip=true -Dit.test='SchedulerSweepBenchmark,WebhookFanoutBenchmark' \
  -DargLine="-Dkeyrotator.bench.keys=${KEYS:-2000}" 2>&1 | sed -n '/^== /,/figures in/p'
cat target/bench/*.json
