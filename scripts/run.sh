#!/usr/bin/env bash
# The run command: real PostgreSQL and a dev OpenBao (installed and started when missing), then
# keyrotator on http://127.0.0.1:8080 (API) and http://127.0.0.1:8081 (actuator), profile `local`,
# which registers a demo key that rotates every 10 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."

eval "$(scripts/services.sh up)"
cat <<TRY

keyrotator is starting (profile local). Once it logs "Started KeyrotatorApplication", try:

  curl -s -H 'Authorization: Bearer dev-only-token' localhost:8080/api/v1/keys/demo
  curl -s -X POST -H 'Authorization: Bearer dev-only-token' -H 'Content-Type: application/json' \\
       -d '{"reason":"trying it out"}' localhost:8080/api/v1/keys/demo/rotations
  BAO_ADDR=$SPRING_CLOUD_VAULT_URI BAO_TOKEN=$SPRING_CLOUD_VAULT_TOKEN $KEYROTATOR_BAO kv get -mount=secret api-keys/demo
  curl -s localhost:8081/actuator/health

TRY
exec ./mvnw -B -q spring-boot:run -Dspring-boot.run.profiles=local "$@"
