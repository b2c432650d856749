# Settings and steps of tools/deploy-target (source it). Builds on tools/engine/lib.sh:
# its logging, Go, the registry address and the engine's host address.
# shellcheck source=../engine/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../engine/lib.sh"

: "${COMPOSE_VERSION:=v2.40.3}"
: "${TARGET_SSH_PORT:=2222}"
: "${TARGET_USER:=deploy}"
: "${TARGET_STATE_DIR:=/var/lib/pipeline-target}"
: "${TARGET_RUN_DIR:=/run/pipeline-target}"
PACKAGES=(openssh-server docker.io)
COMPOSE_BIN="$TOOLS_BIN_DIR/docker-compose-$COMPOSE_VERSION"
HOST_KEY="$TARGET_STATE_DIR/ssh_host_ed25519_key"
# Where the docker CLI (Debian's, or one in /usr/local/bin) finds CLI plugins.
PLUGIN_DIRS=(/usr/libexec/docker/cli-plugins /usr/local/lib/docker/cli-plugins)

missing_packages() {
  local p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}

# build_compose: Docker Compose v2 from the Go module proxy (Debian packages only v1),
# cached per version beside the supply-chain tools, installed as a CLI plugin.
build_compose() {
  if [ ! -x "$COMPOSE_BIN" ]; then
    local src t=$SECONDS
    export CURRENT_LOG="$LOG_DIR/build-compose.log"
    log "building docker compose $COMPOSE_VERSION, log: $CURRENT_LOG"
    src=$(go_module_dir "github.com/docker/compose/v2@$COMPOSE_VERSION" 2>>"$CURRENT_LOG") ||
      die "the Go module proxy does not serve github.com/docker/compose/v2@$COMPOSE_VERSION"
    mkdir -p "$TOOLS_BIN_DIR"
    (cd "$src" && CGO_ENABLED=0 "$GO" build -mod=mod -trimpath -o "$COMPOSE_BIN.tmp" \
      -ldflags "-s -w -X github.com/docker/compose/v2/internal.Version=$COMPOSE_VERSION" ./cmd) \
      >>"$CURRENT_LOG" 2>&1 || die "building docker compose failed"
    mv "$COMPOSE_BIN.tmp" "$COMPOSE_BIN"
    log "built docker compose in $((SECONDS - t))s"
  fi
  local d
  for d in "${PLUGIN_DIRS[@]}"; do install -D -m 0755 "$COMPOSE_BIN" "$d/docker-compose"; done
}

# start_dockerd: Docker with its own data root; no iptables rules (the engine owns the
# host's firewall), published ports through docker-proxy; the local registry trusted.
start_dockerd() {
  pid_alive "$TARGET_RUN_DIR/dockerd.pid" && return 0
  local registry=$REGISTRY_ADDR
  cat >"$TARGET_STATE_DIR/daemon.json" <<JSON
{"iptables": false, "ip6tables": false, "data-root": "$TARGET_STATE_DIR/docker",
 "insecure-registries": ["$registry", "$(container_registry)"],
 "registry-mirrors": ["http://$registry"]}
JSON
  log "starting dockerd"
  setsid dockerd --config-file "$TARGET_STATE_DIR/daemon.json" \
    --pidfile "$TARGET_RUN_DIR/dockerd.pid" </dev/null >>"$LOG_DIR/dockerd.log" 2>&1 &
  local i
  for i in $(seq 60); do docker info >/dev/null 2>&1 && return 0; sleep 1; done
  CURRENT_LOG="$LOG_DIR/dockerd.log" die "dockerd did not answer within 60 s"
}

start_sshd() {
  pid_alive "$TARGET_RUN_DIR/sshd.pid" && return 0
  [ -f "$HOST_KEY" ] || ssh-keygen -q -t ed25519 -N '' -C deploy-target -f "$HOST_KEY"
  mkdir -p /run/sshd
  cat >"$TARGET_STATE_DIR/sshd_config" <<CONF
Port $TARGET_SSH_PORT
HostKey $HOST_KEY
PidFile $TARGET_RUN_DIR/sshd.pid
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
AllowUsers $TARGET_USER
UsePAM no
CONF
  log "starting sshd on port $TARGET_SSH_PORT"
  /usr/sbin/sshd -f "$TARGET_STATE_DIR/sshd_config" -E "$LOG_DIR/sshd.log"
}

# stop_pidfile FILE NAME: stop the process FILE names and wait for it to end.
stop_pidfile() {
  pid_alive "$1" || return 0
  local pid i
  pid=$(cat "$1")
  log "stopping $2"
  kill "$pid"
  for i in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
  rm -f "$1"
}
