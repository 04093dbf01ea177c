#!/usr/bin/env bash
# The image test: builds the real Dockerfile with Debian's buildah and runs the image with podman
# (no Docker engine needed), against the PostgreSQL and an OpenBao of this machine, then checks it
# as a platform team would run it. Installs what it needs (podman, buildah, runc, mmdebstrap from
# Debian) and prints the image's size and start-up time.
#
#   scripts/image.sh         build the image and test it (CI runs this after the test command)
#   scripts/image.sh build   only build it (localhost/keyrotator:dev)
#
# Public registries cannot be reached from every machine, so the Dockerfile's base images are build
# arguments: this script builds stand-ins from Debian packages (mmdebstrap) plus the JDK 25 on this
# machine (a jlinked runtime of it for the run stage) and passes them in.
set -euo pipefail
cd "$(dirname "$0")/.."

KEYROTATOR_HOME=${KEYROTATOR_HOME:-${XDG_DATA_HOME:-$HOME/.local/share}/keyrotator}
SUITE=bookworm
IMAGE=localhost/keyrotator:dev
MEMORY=${KEYROTATOR_IMAGE_MEMORY:-768m}
CONTAINERS=$KEYROTATOR_HOME/containers
M2=${KEYROTATOR_M2:-$HOME/.m2}
if [ "$(id -u)" -ne 0 ]; then
  # buildah and podman as root: rootless needs subordinate ids and user namespaces that a CI
  # runner may not grant. The caller's KEYROTATOR_HOME and Maven repository stay in use.
  exec sudo --preserve-env=JAVA_HOME,KEYROTATOR_IMAGE_JDK,KEYROTATOR_IMAGE_MEMORY \
    KEYROTATOR_HOME="$KEYROTATOR_HOME" KEYROTATOR_M2="$M2" "$0" "$@"
fi

log() { printf '[image] %s\n' "$*" >&2; }
fail() { printf '[image] FAILED: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_tools() {
  if command -v podman >/dev/null && command -v buildah >/dev/null && command -v runc >/dev/null \
    && command -v mmdebstrap >/dev/null; then
    return
  fi
  log "installing podman, buildah, runc and mmdebstrap from Debian (apt-get install -y podman buildah runc mmdebstrap)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    podman buildah runc mmdebstrap uidmap debian-archive-keyring >/dev/null
}

# What this sandbox needs (and a normal host does not mind): runc, because crun refuses the hybrid
# cgroup layout; cgroupfs without systemd; vfs storage; no default ulimits, because setrlimit is
# refused; host networking. Kept in files of this script's own, so the machine's defaults stay.
configure() {
  mkdir -p "$CONTAINERS"
  cat >"$CONTAINERS/containers.conf" <<CONF
[containers]
default_ulimits = []
netns = "host"
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
  cat >"$CONTAINERS/storage.conf" <<CONF
[storage]
driver = "vfs"
graphroot = "$CONTAINERS/storage"
runroot = "$CONTAINERS/run"
CONF
  export CONTAINERS_CONF=$CONTAINERS/containers.conf
  export CONTAINERS_STORAGE_CONF=$CONTAINERS/storage.conf
}

# A Debian base with the JDK (or a runtime jlinked from it) at /opt/java/openjdk, where the
# eclipse-temurin images keep theirs, imported as localhost/<name>. Rebuilt when its recipe or the
# JDK changes. It trusts the certificate authorities this machine adds to Debian's (a proxy's, say),
# in the system store and in the Java keystore the JDK's cacerts may link to.
base_image() {
  local name=$1 java=$2 packages=$3 tag
  tag=$(printf '%s\n' "$SUITE" "$packages" "$(cat "$java/release")" "$(sed -n '/^base_image()/,/^}/p' "$0")" \
    | sha256sum | cut -c1-12)
  if podman image exists "localhost/$name:$tag"; then
    echo "localhost/$name:$tag"
    return
  fi
  log "building the stand-in base image localhost/$name:$tag (mmdebstrap $SUITE, $packages, $java)"
  local tarball=$CONTAINERS/$name.tar
  mmdebstrap --quiet --variant=minbase --include="$packages" \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*' \
    --customize-hook="mkdir -p \"\$1/opt/java\" && cp -a '$java' \"\$1/opt/java/openjdk\"" \
    --customize-hook='cp /usr/local/share/ca-certificates/*.crt "$1/usr/local/share/ca-certificates/" 2>/dev/null || true' \
    --customize-hook='chroot "$1" update-ca-certificates >/dev/null' \
    --customize-hook='if [ -f /etc/ssl/certs/java/cacerts ]; then mkdir -p "$1/etc/ssl/certs/java" && cp /etc/ssl/certs/java/cacerts "$1/etc/ssl/certs/java/"; fi' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' \
    "$SUITE" "$tarball" \
    "deb http://deb.debian.org/debian $SUITE main" \
    "deb http://deb.debian.org/debian $SUITE-updates main" \
    "deb http://deb.debian.org/debian-security $SUITE-security main" >&2
  podman import \
    --change 'ENV JAVA_HOME=/opt/java/openjdk' \
    --change 'ENV PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    "$tarball" "localhost/$name:$tag" >/dev/null
  rm -f "$tarball"
  echo "localhost/$name:$tag"
}

# The run stage's Java: every module of the JDK but the development tools, as eclipse-temurin's JRE.
jre() {
  local out=$CONTAINERS/jre-$(sha256sum "$JDK/release" | cut -c1-12) modules
  if [ ! -x "$out/bin/java" ]; then
    modules=$("$JDK/bin/java" --list-modules | sed 's/@.*//' \
      | grep -Ev '^jdk\.(jlink|jpackage|compiler|javadoc|jshell|jdeps|jartool|hotspot\.agent|editpad|internal\.(ed|le|opt|jvmstat\.?|md))$' \
      | paste -sd, -)
    rm -rf "$out"
    "$JDK/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
      --output "$out" >&2
  fi
  echo "$out"
}

build() {
  local build_base runtime_base started
  build_base=$(base_image keyrotator-build-base "$JDK" ca-certificates,curl,unzip)
  runtime_base=$(base_image keyrotator-runtime-base "$(jre)" ca-certificates)
  log "building $IMAGE from the Dockerfile (buildah bud, bases $build_base and $runtime_base)"
  started=$(date +%s)
  mkdir -p "$M2"
  # the Maven repository of this machine is lent to the build stage, so nothing is downloaded twice
  # no layer cache: with vfs storage every cached step would be a full copy of the root filesystem
  buildah bud --isolation chroot --network host \
    --build-arg BUILD_IMAGE="$build_base" --build-arg RUNTIME_IMAGE="$runtime_base" \
    --volume "$M2:/root/.m2" \
    --tag "$IMAGE" . >&2
  podman image prune -f >/dev/null
  log "built $IMAGE in $(($(date +%s) - started)) s"
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}

check() {
  local what=$1
  shift
  "$@" || fail "$what"
  log "ok: $what"
}

# The environment docker-compose.yml gives the keyrotator service, its hosts pointed at this machine.
compose_environment() {
  python3 - "$@" <<'PY'
import sys, yaml
vault, db = sys.argv[1], sys.argv[2]
env = yaml.safe_load(open("docker-compose.yml"))["services"]["keyrotator"]["environment"]
for name, value in env.items():
    value = str(value).replace("//postgres:5432/keyrotator", "//127.0.0.1:5432/" + db)
    value = value.replace("http://vault:8200", vault)
    print(f"{name}={value}")
PY
}

run_test() {
  eval "$(scripts/services.sh up 2>/dev/null)"
  local work bao_port api_port management_port vault db=keyrotator_image token=dev-only-token
  work=$(mktemp -d)
  bao_port=$(free_port) api_port=$(free_port) management_port=$(free_port)
  vault=http://127.0.0.1:$bao_port
  # --ignore: without it podman 4.3 removes none of the names when one does not exist
  podman rm -f --ignore keyrotator-image-test keyrotator-image-baseline >/dev/null
  trap 'podman rm -f --ignore keyrotator-image-test keyrotator-image-baseline >/dev/null 2>&1 || true; kill "$(cat "'"$work"'/bao.pid" 2>/dev/null)" 2>/dev/null || true; as_postgres dropdb --if-exists '"$db"' || true; rm -rf "'"$work"'"' EXIT

  log "OpenBao dev server on $vault, set up by deploy/vault/init.sh as docker compose does it"
  "$KEYROTATOR_BAO" server -dev -dev-listen-address="127.0.0.1:$bao_port" -dev-root-token-id=root \
    -dev-no-store-token >"$work/openbao.log" 2>&1 &
  echo $! >"$work/bao.pid"
  for _ in $(seq 1 50); do curl -sf -o /dev/null "$vault/v1/sys/health" && break; sleep 0.2; done
  mkdir "$work/bin" && ln -s "$KEYROTATOR_BAO" "$work/bin/vault"
  PATH=$work/bin:$PATH VAULT_ADDR=$vault VAULT_TOKEN=root sh deploy/vault/init.sh >&2
  as_postgres dropdb --if-exists "$db"
  as_postgres createdb -O keyrotator "$db"

  compose_environment "$vault" "$db" >"$work/env"
  printf 'SERVER_PORT=%s\nMANAGEMENT_SERVER_PORT=%s\n' "$api_port" "$management_port" >>"$work/env"
  log "running $IMAGE: read-only root, --memory $MEMORY, the compose file's environment (API :$api_port, actuator :$management_port)"
  local started ready
  started=$(date +%s%N)
  # AOTMode=on: the JVM refuses to start unless it can use the image's AOT cache
  podman run -d --name keyrotator-image-test --read-only --tmpfs /tmp --memory "$MEMORY" \
    --env-file "$work/env" --env JDK_JAVA_OPTIONS="-XX:AOTMode=on -Xlog:class+load=info:file=/tmp/class-load.log" \
    "$IMAGE" >/dev/null
  for _ in $(seq 1 240); do
    curl -sf -o /dev/null "localhost:$management_port/actuator/health/readiness" && break
    [ "$(podman inspect --format '{{.State.Running}}' keyrotator-image-test)" = true ] \
      || { podman logs keyrotator-image-test >&2; fail "the container exited before it was ready"; }
    sleep 0.25
  done
  ready=$(( ($(date +%s%N) - started) / 1000000 ))
  curl -sf -o /dev/null "localhost:$management_port/actuator/health/readiness" \
    || { podman logs keyrotator-image-test >&2; fail "not ready within 60 s"; }

  local api=localhost:$api_port/api/v1 auth="Authorization: Bearer $token" json="Content-Type: application/json"
  curl -sf -H "$auth" -H "$json" -d '{"name":"image-test","rotationPeriod":"P30D","overlap":"PT1H"}' \
    "$api/keys" >"$work/registered.json" || fail "registering a key"
  curl -sf -H "$auth" -H "$json" -d '{"reason":"image test"}' "$api/keys/image-test/rotations" \
    >"$work/rotated.json" || fail "rotating it"
  BAO_ADDR=$vault BAO_TOKEN=root "$KEYROTATOR_BAO" kv get -format=json -mount=secret api-keys/image-test \
    >"$work/vault.json" || fail "reading it from OpenBao"
  curl -sf "localhost:$management_port/actuator/prometheus" >"$work/metrics.txt" || fail "scraping /actuator/prometheus"
  podman logs keyrotator-image-test >"$work/container.log" 2>&1
  podman exec keyrotator-image-test cat /tmp/class-load.log >"$work/class-load.log"

  check "OpenBao holds version 2 of the key, with the fingerprint the API returned" python3 - "$work" <<'PY'
import hashlib, json, sys
work = sys.argv[1]
rotated = json.load(open(f"{work}/rotated.json"))
data = json.load(open(f"{work}/vault.json"))["data"]["data"]
value = data["api_key"]
assert rotated["version"] == 2 and int(data["key_version"]) == 2, (rotated["version"], data["key_version"])
assert hashlib.sha256(value.encode()).hexdigest()[:16] == rotated["fingerprint"]
for name in ("registered.json", "rotated.json", "metrics.txt", "container.log", "class-load.log"):
    assert value not in open(f"{work}/{name}").read(), f"the key is in {name}"
PY
  check "the scrape has the key's rotation" grep -q 'keyrotator_rotations_total{.*key="image-test".*outcome="success".*} 1' "$work/metrics.txt"
  check "the heap is sized from the memory limit" python3 - "$work/metrics.txt" "$MEMORY" <<'PY'
import re, sys
limit = int(sys.argv[2].rstrip("m")) * 1024 * 1024
heap = sum(float(v) for v in re.findall(r'^jvm_memory_max_bytes\{area="heap".*\} (\S+)$', open(sys.argv[1]).read(), re.M) if float(v) > 0)
assert 0 < heap <= 0.8 * limit, (heap, limit)
PY
  local from_cache loaded
  loaded=$(grep -c 'source:' "$work/class-load.log")
  from_cache=$(grep -c 'source: shared objects file' "$work/class-load.log" || true)
  check "the AOT cache is used ($from_cache of $loaded classes loaded from it)" test "$from_cache" -gt $((loaded / 2))
  local uid pid
  pid=$(podman inspect --format '{{.State.Pid}}' keyrotator-image-test)
  uid=$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")
  check "the process runs as the Dockerfile's user ($uid), not root" \
    test "$uid" = "$(sed -n 's/^USER \([0-9]*\).*/\1/p' Dockerfile)" -a "$uid" != 0
  # podman itself changes /etc (the mount points of hosts and resolv.conf): a container of the same
  # image that runs nothing shows what is podman's
  podman run --name keyrotator-image-baseline --read-only --tmpfs /tmp --entrypoint /bin/true "$IMAGE"
  podman diff keyrotator-image-baseline >"$work/baseline.diff"
  podman rm keyrotator-image-baseline >/dev/null
  podman diff keyrotator-image-test >"$work/container.diff"
  check "no file outside /tmp was written" diff "$work/baseline.diff" "$work/container.diff"
  local started_in size
  started_in=$(sed -n 's/.*Started KeyrotatorApplication in \([0-9.]*\) seconds.*/\1/p' "$work/container.log")
  podman stop -t 30 keyrotator-image-test >/dev/null
  check "it stops cleanly on SIGTERM" test "$(podman inspect --format '{{.State.ExitCode}}' keyrotator-image-test)" -le 143
  size=$(podman image inspect --format '{{.Size}}' "$IMAGE")
  log "image $IMAGE: $((size / 1000000)) MB; started in ${started_in} s (Spring), ready ${ready} ms after podman run"
}

# The JDK the stand-in bases carry: KEYROTATOR_IMAGE_JDK, else JAVA_HOME or the first JDK under
# /usr/lib/jvm of release 25 or newer (the Dockerfile records a JDK 25 AOT cache)
find_jdk() {
  local candidate
  for candidate in "${KEYROTATOR_IMAGE_JDK:-}" "${JAVA_HOME:-}" /usr/lib/jvm/*; do
    if [ -n "$candidate" ] && [ -x "$candidate/bin/jlink" ] \
      && grep -Eq '^JAVA_VERSION="(2[5-9]|[3-9][0-9])' "$candidate/release" 2>/dev/null; then
      echo "$candidate"
      return
    fi
  done
  fail "no JDK 25 or newer with jlink under /usr/lib/jvm or in JAVA_HOME; set KEYROTATOR_IMAGE_JDK"
}

JDK=$(find_jdk)
install_tools
configure
case "${1:-test}" in
  build) build ;;
  test) build; run_test ;;
  *) echo "usage: $0 [test|build]" >&2; exit 2 ;;
esac
