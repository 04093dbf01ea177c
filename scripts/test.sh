#!/usr/bin/env bash
# The test command: real PostgreSQL and OpenBao installed and started when missing, then every
# test (unit tests with Surefire, *IntegrationTests with Failsafe). Extra arguments go to Maven.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/services.sh up >/dev/null
# Tests start their own OpenBao (one per run, plus dedicated ones for seal tests) from this binary,
# and create a fresh database per run on the PostgreSQL started above.
export KEYROTATOR_BAO="$(scripts/services.sh env | sed -n 's/^export KEYROTATOR_BAO=//p')"
export KEYROTATOR_ST="$(scripts/services.sh env | sed -n 's/^export KEYROTATOR_ST=//p')"
# kubernetes-validate and the Prometheus Operator CRD schemas, for the chart schema test
export KEYROTATOR_KV="$(scripts/services.sh env | sed -n 's/^export KEYROTATOR_KV=//p')"
export KEYROTATOR_CRDS="$(scripts/services.sh env | sed -n 's/^export KEYROTATOR_CRDS=//p')"
exec ./mvnw -B verify "$@"
