#!/usr/bin/env bash
# The run command: real PostgreSQL and a dev OpenBao (installed and started when missing), then
# keyrotator on http://127.0.0.1:8080 (API) and http://127.0.0.1:8081 (actuator), profile `local`.
set -euo pipefail
cd "$(dirname "$0")/.."

eval "$(scripts/services.sh up)"
exec ./mvnw -B -q spring-boot:run -Dspring-boot.run.profiles=local "$@"
