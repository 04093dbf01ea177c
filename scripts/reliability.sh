#!/usr/bin/env bash
# The reliability suite (issue 14) on its own. It also runs, at its CI size, inside scripts/test.sh.
#   scripts/reliability.sh            the long form: 40 SIGKILLs, 1,000 keys on 3 replicas, 10,000 overdue
#                                     keys, a minute of Vault faults, 100 rotations per zero-downtime phase
#   SCALE=ci scripts/reliability.sh   the CI sizes (a few minutes)
# Figures are printed as "== reliability ..." lines and appended to target/reliability/report.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/services.sh up >/dev/null
export KEYROTATOR_BAO="$(scripts/services.sh env | sed -n 's/^export KEYROTATOR_BAO=//p')"
export KEYROTATOR_RELIABILITY="${SCALE:-long}"
rm -f target/reliability/report.txt
# the long sizes run longer than the test command's per-test and per-JVM timeouts
./mvnw -B verify -Djunit.jupiter.execution.timeout.default=90m -Dfailsafe.timeout=0 -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test='**/reliability/*IntegrationTests' "$@"
echo
cat target/reliability/report.txt
