#!/usr/bin/env bash
# The test command: real PostgreSQL and OpenBao installed and started when missing, then every
# test (unit tests with Surefire, *IntegrationTests with Failsafe). Extra arguments go to Maven.
set -euo pipefail
cd "$(dirname "$0")/.."

started=$(date +%s)
scripts/services.sh up >/dev/null
services_done=$(date +%s)
# Tests start their own OpenBao (one per run, plus dedicated ones for seal tests) from this binary,
# and create a fresh database per run on the PostgreSQL started above.
export KEYROTATOR_BAO="$(scripts/services.sh env | sed -n 's/^export KEYROTATOR_BAO=//p')"
export KEYROTATOR_ST="$(scripts/services.sh env | sed -n 's/^export KEYROTATOR_ST=//p')"
# kubernetes-validate and the Prometheus Operator CRD schemas, for the chart schema test
export KEYROTATOR_KV="$(scripts/services.sh env | sed -n 's/^export KEYROTATOR_KV=//p')"
export KEYROTATOR_CRDS="$(scripts/services.sh env | sed -n 's/^export KEYROTATOR_CRDS=//p')"
# gitleaks, for the scanner rule test
export KEYROTATOR_GITLEAKS="$(scripts/services.sh env | sed -n 's/^export KEYROTATOR_GITLEAKS=//p')"

# Maven's output passes through unchanged; the time each phase starts is noted on the way, and a
# table of how long each took is printed at the end (also when a test failed).
phases=$(mktemp)
trap 'rm -f "$phases"' EXIT
set +e
# the verifier library's own build (its pom, formatting and unit tests); the service's tests below
# compile its sources again to run it in the zero-downtime scenario
library_started=$(date +%s)
./mvnw -B -q -f clients/keyrotator-verifier/pom.xml verify
library_status=$?
echo "verifier-library $library_started" >>"$phases"
echo "checks $(date +%s)" >>"$phases"
./mvnw -B verify "$@" | while IFS= read -r line; do
    printf '%s\n' "$line"
    case "$line" in
        *"--- compiler:"*":compile "*) echo "compile $(date +%s)" >>"$phases" ;;
        *"--- surefire:"*) echo "unit-tests $(date +%s)" >>"$phases" ;;
        *"--- jar:"*) echo "package $(date +%s)" >>"$phases" ;;
        *"--- failsafe:"*":integration-test "*) echo "integration-tests $(date +%s)" >>"$phases" ;;
        *"--- failsafe:"*":verify "*) echo "verify $(date +%s)" >>"$phases" ;;
    esac
done
status=${PIPESTATUS[0]}
if [ "$library_status" -ne 0 ]; then
    echo "the verifier library's build failed (exit $library_status): ./mvnw -f clients/keyrotator-verifier/pom.xml verify" >&2
    status=$library_status
fi
set -e
finished=$(date +%s)
{
    echo "== test command phases (seconds)"
    printf '%-20s %5d\n' "services" $((services_done - started))
    previous_name="start" previous_at=$services_done
    while read -r name at; do
        printf '%-20s %5d\n' "$previous_name" $((at - previous_at))
        previous_name=$name previous_at=$at
    done <"$phases"
    printf '%-20s %5d\n' "$previous_name" $((finished - previous_at))
    printf '%-20s %5d\n' "total" $((finished - started))
}
exit "$status"
