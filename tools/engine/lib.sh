# Shared settings and helpers for tools/engine scripts. Source it; do not run it.
# Directories (all outside the repository, on this machine):
#   CACHE_DIR  builds and image layouts, kept across up/down (delete to rebuild)
#   STATE_DIR  engine state and registry storage, kept across up/down
#   RUN_DIR    sockets, PID files, the client env file; cleared by down
#   LOG_DIR    one log per step
ENGINE_TOOLS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions
. "$ENGINE_TOOLS_DIR/versions"

: "${CACHE_DIR:=/var/cache/pipeline-engine}"
: "${STATE_DIR:=/var/lib/pipeline-engine}"
: "${RUN_DIR:=/run/pipeline-engine}"
: "${LOG_DIR:=$CACHE_DIR/logs}"
: "${REGISTRY_ADDR:=127.0.0.1:5000}"
# The engine's container network (CNI bridge); the host is its first address.
: "${ENGINE_NETWORK_CIDR:=10.87.0.0/16}"
# Its name: Dagger's default, which the engine is not told; its bridge is
# ${ENGINE_NETWORK_NAME}0.
: "${ENGINE_NETWORK_NAME:=dagger}"
# The cache's garbage collection (engine-config; README.md, Cache garbage collection).
: "${ENGINE_GC_MIN_FREE:=5GB}"
: "${ENGINE_GC_MAX_USED:=60GB}"
: "${ENGINE_GC_RESERVED:=10GB}"
: "${GO:=$(command -v go || echo /usr/local/go/bin/go)}"

DAGGER_BIN_DIR="$CACHE_DIR/dagger-$DAGGER_VERSION/bin"
RUNC_BIN="$CACHE_DIR/runc-$RUNC_VERSION/runc"
CNI_BIN_DIR="$CACHE_DIR/cni-$CNI_VERSION/bin"
SDK_CONTENT_DIR="$CACHE_DIR/sdk-content-$DAGGER_VERSION"
TOOLS_BIN_DIR="$CACHE_DIR/tools"
# Where the engine looks for its builtin SDK content (hard-coded, as runc's path).
ENGINE_CONTENT_DIR=/usr/local/share/dagger/content
ENGINE_SOCK="$RUN_DIR/engine.sock"
ENV_FILE="$RUN_DIR/env"

mkdir -p "$CACHE_DIR" "$STATE_DIR" "$RUN_DIR" "$LOG_DIR"

log() { printf '[engine %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
  log "ERROR: $*"
  if [ -n "${CURRENT_LOG:-}" ] && [ -f "$CURRENT_LOG" ]; then
    log "last 30 lines of $CURRENT_LOG:"; tail -n 30 "$CURRENT_LOG" >&2
  fi
  exit 1
}

# CURRENT_LOG names the log of the step that runs now; on_error shows its tail.
CURRENT_LOG=""
on_error() {
  local rc=$? line=${1:-?}
  trap - ERR
  log "FAILED (exit $rc) in $(basename "${BASH_SOURCE[1]:-?}") line $line: $BASH_COMMAND"
  [ -z "${CURRENT_STEP:-}" ] || log "step: $CURRENT_STEP"
  log "logs are in $LOG_DIR"
  if [ -n "$CURRENT_LOG" ] && [ -f "$CURRENT_LOG" ]; then
    log "last 30 lines of $CURRENT_LOG:"
    tail -n 30 "$CURRENT_LOG" >&2
  fi
  exit "$rc"
}
enable_error_trap() { set -E; trap 'on_error $LINENO' ERR; }

# run_logged NAME CMD...: run CMD with its output appended to $LOG_DIR/NAME.log.
run_logged() {
  local name=$1; shift
  CURRENT_LOG="$LOG_DIR/$name.log"
  { echo "=== $(date -Is) $*"; } >>"$CURRENT_LOG"
  "$@" >>"$CURRENT_LOG" 2>&1
}

# go_module_dir MODULE@VERSION: download a module through the Go module proxy and print
# the directory of its (read-only) source in the module cache; fails when refused.
go_module_dir() {
  local dir
  dir=$(cd /tmp && "$GO" mod download -json "$1" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  [ -n "$dir" ] && echo "$dir"
}

# host_address: this host's address on the engine's bridge, as its containers reach it.
host_address() { local net=${ENGINE_NETWORK_CIDR%/*}; echo "${net%.*}.1"; }
# container_registry: the local registry as the engine's containers reach it (the
# registry listens on every interface, the engine pushes to it over plain HTTP).
container_registry() { echo "$(host_address):${REGISTRY_ADDR##*:}"; }

# pid_alive FILE: true when FILE holds the PID of a running process.
pid_alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
