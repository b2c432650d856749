#!/usr/bin/env bash
# deploy-host: releases on a deploy target, run there by the pipeline over SSH (it sends
# this file and smoke_probe.py with every call, so the host needs only bash, flock and
# Docker Compose v2).
#
#   deploy-host DIR deploy ID TIMEOUT LIMITS URL PROBE_ARGS...
#       roll out releases/ID beside the running release: pull, backup, migrate, start it
#       and wait until healthy (else exit 3), smoke test it through the private route
#       (else exit 7), switch the proxy to it, smoke test the public URL (else switch
#       back, exit 8), let the old release drain, stop it. PROBE_ARGS: smoke_probe.py's.
#       A release older than the one running when it gets the lock is not deployed (exit
#       9): of two deploys at once, the later one runs and neither undoes the other.
#   deploy-host DIR rollback ID|"" TIMEOUT LIMITS SECRETS
#       start ID (or the release before the current one), wait until healthy (else exit
#       3), switch, drain, stop the other; SECRETS `current`: with the current release's
#       secrets (a rotated key stays rotated), `own`: with those it had
#   deploy-host DIR releases
#       current release, its containers' states, history, every release's metadata, who
#       holds the lock
# LIMITS is KEEP:LOCK_WAIT:PULL_TIMEOUT:DRAIN: the releases kept on the host, the seconds
# a call waits for another one's lock (then exit 6, naming the holder), the seconds
# `docker compose pull` may take, and the seconds the old release keeps serving the
# requests in flight after a switch.
#
# DIR (deployments/PROJECT) holds releases/ID/{compose.yaml,release.json,secrets.env,
# proxy.yaml,proxy-site.conf,upstream.conf[,accessories.yaml]}, `current` (a symlink to the release the proxy
# sends traffic to), history.jsonl (one JSON object per event), backups/, and proxy/
# (the proxy's Compose file and its nginx config: conf/upstream.conf names the release),
# accessories/ (the Compose file of the environment's accessories, project
# PROJECT-accessories on the network of that name, which the releases' backends join).
# Each release is its own Compose project; the proxy (project PROJECT-proxy) owns the
# public port and reaches the releases' frontends on the network PROJECT-edge. Releases
# sent before the proxy existed (no upstream.conf) publish the port themselves: the
# first switch to the proxy stops their frontend just before the proxy takes the port.
#
# Every deploy and rollback first starts again what should run and does not (reconcile).
# A rollout runs detached from the SSH session under a lock: when the connection drops
# it still ends with one release serving and `current` naming it. After one that ends
# with a release running, releases beyond the newest KEEP (never the running one) go,
# with their containers, secrets file, backup and the images no kept release uses.
set -euo pipefail
umask 077
self=$(readlink -f "$0") dir=$(readlink -f "$1") command=$2
shift 2
cd "$dir"
mkdir -p releases backups
edge="$(basename "$dir")-edge" services_net="$(basename "$dir")-accessories" switched_at=0

current() { [ -L current ] && basename "$(readlink current)" || true; }

# record EVENT ID [DETAIL]: one line of history (IDs and events are [A-Za-z0-9._-]).
record() {
  printf '{"time": "%s", "event": "%s", "release": "%s", "detail": "%s"}\n' \
    "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$1" "$2" "${3:-}" >>history.jsonl
  echo "deploy-host: $1 $2 ${3:-}"
}

compose() { local id=$1; shift; docker compose -f "releases/$id/compose.yaml" "$@"; }
proxy() { docker compose -f proxy/compose.yaml "$@"; }

# behind_proxy ID: whether release ID runs behind the proxy (else it publishes the port).
behind_proxy() { [ -f "releases/$1/upstream.conf" ]; }

# meta ID KEY: a string of release ID's release.json.
meta() { sed -n "s/.*\"$2\": \"\\([^\"]*\\)\".*/\\1/p" "releases/$1/release.json"; }

# accessories ID: the environment's accessories as release ID's accessories.yaml defines
# them (project PROJECT-accessories, kept across releases: Compose recreates only those
# whose definition changed). Nothing when the release has none.
accessories() {
  [ -f "releases/$1/accessories.yaml" ] || return 0
  docker network inspect "$services_net" >/dev/null 2>&1 ||
    docker network create "$services_net" >/dev/null
  mkdir -p accessories
  cp "releases/$1/accessories.yaml" accessories/compose.yaml
  up accessories/compose.yaml 60 --remove-orphans
}

# up FILE TIMEOUT [OPTIONS...]: Compose starts (or recreates) what FILE defines, then
# waits until it is healthy.
up() {
  local file=$1 timeout=$2
  shift 2
  docker compose -f "$file" up --detach "$@" && healthy "$file" "$timeout"
}

# healthy FILE TIMEOUT: wait until each container of Compose file FILE runs and passes its
# own health check (the image's, or the file's; none: running is enough), run from here
# every second while it starts. Docker runs them only every 10 s (the images' interval):
# too seldom to wait for, and a check costs a tenth of a CPU second, too much to run every
# second for as long as a release runs. A container not healthy 35 s after the start (30 s
# to start and 5 more checks, as Docker's checks every second had it) or within TIMEOUT
# seconds, whichever comes first, did not turn healthy.
healthy() {
  local id deadline
  local -A checks=()
  deadline=$(($(date +%s) + ($2 < 35 ? $2 : 35)))
  for id in $(docker compose -f "$1" ps --all --quiet); do
    checks[$id]=$(docker inspect --format \
      '{{with .Config.Healthcheck}}{{range .Test}}{{println .}}{{end}}{{end}}' "$id")
  done
  while [ "${#checks[@]}" -gt 0 ]; do
    for id in "${!checks[@]}"; do
      if passes "$id" "${checks[$id]}"; then
        unset "checks[$id]"
      elif [ "$(date +%s)" -ge "$deadline" ]; then
        echo "deploy-host: $(docker inspect --format '{{.Name}}' "$id" | tr -d /) did not turn healthy"
        return 1
      fi
    done
    [ "${#checks[@]}" -eq 0 ] || sleep 1
  done
}

# passes CONTAINER CHECK: whether CONTAINER runs and CHECK (its health check's test, an
# argument a line, as Docker keeps it: CMD ARGS..., CMD-SHELL COMMAND or NONE) passes now.
passes() {
  local test
  [ "$(docker inspect --format '{{.State.Status}}' "$1")" = running ] || return 1
  mapfile -t test <<<"$2"
  case ${test[0]} in
    CMD) timeout 5 docker exec "$1" "${test[@]:1}" >/dev/null 2>&1 ;;
    CMD-SHELL) timeout 5 docker exec "$1" sh -c "${test[1]}" >/dev/null 2>&1 ;;
    *) true ;;
  esac
}

# not_running FILE: the services of Compose file FILE that Docker does not run now.
not_running() {
  comm -23 <(docker compose -f "$1" config --services | sort) \
    <(docker compose -f "$1" ps --services --status running | sort)
}

# reconcile TIMEOUT: start again what should run and does not (a Docker restart that did
# not bring it back, a container stopped by hand): the accessories, the current release
# and the proxy, and say so.
reconcile() {
  local id file missing started=""
  id=$(current)
  [ -n "$id" ] || return 0
  for file in accessories/compose.yaml "releases/$id/compose.yaml" proxy/compose.yaml; do
    [ -f "$file" ] || continue
    [ "$file" != proxy/compose.yaml ] || behind_proxy "$id" || continue
    missing=$(not_running "$file" | tr '\n' ' ')
    [ -n "$missing" ] || continue
    up "$file" "$1" ||
      { record failed "$id" "reconcile: ${missing% } did not start"; return 1; }
    started+=$missing
  done
  [ -n "$started" ] || return 0
  # The proxy resolves the frontend's address when it loads its config.
  ! behind_proxy "$id" || proxy exec -T proxy nginx -s reload
  record reconciled "$id" "started again: ${started% }"
}

# private_url ID: release ID's frontend on the edge network, as its upstream.conf names it.
private_url() { echo "http://$(sed -n 's/^ *server \([^;]*\);/\1/p' "releases/$1/upstream.conf")"; }

# start ID TIMEOUT: start ID's containers beside the running ones, wait until healthy.
start() {
  docker network inspect "$edge" >/dev/null 2>&1 || docker network create "$edge" >/dev/null
  up "releases/$1/compose.yaml" "$2" --remove-orphans
}

# smoke URL NETWORK IMAGE ARGS...: smoke_probe.py in IMAGE on NETWORK; prints
# "smoke URL RESULT" (the probe's JSON) for the pipeline, and fails when a check did.
smoke() {
  local url=$1 network=$2 image=$3 out status=0 none='{"checks": []}'
  shift 3
  out=$(docker run --rm -i --network "$network" --entrypoint python "$image" - "$url" "$@" \
    <smoke_probe.py) || status=$?
  printf 'smoke %s %s\n' "$url" "${out:-$none}"
  return "$status"
}

# proxy_up ID: the proxy as release ID defines it, running; Compose starts (or recreates)
# it and waits until healthy only when it does not run or its definition changed (a
# switch to a running proxy is a reload: half a second less).
proxy_up() {
  if cmp -s "releases/$1/proxy.yaml" proxy/compose.yaml && [ -z "$(not_running proxy/compose.yaml)" ]; then
    return 0
  fi
  cp "releases/$1/proxy.yaml" proxy/compose.yaml
  up proxy/compose.yaml 60
}

# switch ID: send the public traffic to release ID and point `current` at it. Behind the
# proxy: rewrite its upstream and reload nginx (in-flight requests finish on the old
# workers); the first time, stop the frontend of a release from before the proxy just
# before the proxy takes the port. A release from before the proxy: stop the proxy and
# start it (its frontend publishes the port).
switch() {
  local id=$1 from legacy=""
  from=$(current)
  if ! behind_proxy "$id"; then
    [ ! -f proxy/compose.yaml ] || proxy stop
    up "releases/$id/compose.yaml" 60 || return 1
  else
    mkdir -p proxy/conf
    cp "releases/$id/proxy-site.conf" proxy/conf/site.conf
    [ ! -f proxy/conf/upstream.conf ] || cp proxy/conf/upstream.conf proxy/upstream.was
    cp "releases/$id/upstream.conf" proxy/upstream.new
    mv proxy/upstream.new proxy/conf/upstream.conf
    if [ -n "$from" ] && ! behind_proxy "$from"; then
      legacy=$from
      compose "$legacy" stop frontend
    fi
    if ! { proxy_up "$id" &&
      proxy exec -T proxy sh -c "nginx -t -q && nginx -s reload"; }; then
      [ ! -f proxy/upstream.was ] || mv proxy/upstream.was proxy/conf/upstream.conf
      [ -z "$legacy" ] || { proxy stop; compose "$legacy" start frontend; }
      return 1
    fi
  fi
  ln -sfn "releases/$id" current.new && mv -T current.new current
  switched_at=$(date +%s)
}

# drained ID: once the old workers have had $drain seconds since the switch for their
# requests in flight, stop release ID's containers (kept for a rollback).
drained() {
  local left=$((switched_at + drain - $(date +%s)))
  [ "$left" -le 0 ] || sleep "$left"
  compose "$1" stop || true
  record stopped "$1"
}

backup() {
  local id=$1 image
  image=$(meta "$id" backup_image)
  [ -n "$image" ] || return 0
  docker run --rm --env-file "releases/$id/secrets.env" --add-host host.docker.internal:host-gateway \
    "$image" sh -c 'exec pg_dump --format=custom "$DATABASE_URL"' >"backups/$id.dump" ||
    { record failed "$id" backup; return 1; }
  record backed-up "$id" "backups/$id.dump"
}

rollout() {
  local id=$1 timeout=$2 url=$3 previous image
  shift 3
  reconcile "$timeout" || true
  previous=$(current)
  # Two deploys at once: the one that waited for the lock never replaces a newer release.
  if [[ "$previous" > "$id" ]]; then
    record superseded "$id" "$previous is newer"
    return 9
  fi
  image=$(meta "$id" backend)
  record started "$id" "previous: ${previous:-none}"
  timeout "$pull_timeout" docker compose -f "releases/$id/compose.yaml" pull --quiet ||
    { record failed "$id" pull; return 2; }
  accessories "$id" || { record failed "$id" accessories; return 2; }
  backup "$id" || return 2
  compose "$id" run --rm --no-deps backend python manage.py migrate --noinput ||
    { record failed "$id" migrate; return 2; }
  if ! start "$id" "$timeout"; then
    record unhealthy "$id"
    compose "$id" down || true
    return 3
  fi
  if ! smoke "$(private_url "$id")" "$edge" "$image" "$@"; then
    record smoke-failed "$id" private
    compose "$id" down || true
    return 7
  fi
  record ready "$id" "healthy, private smoke test passed"
  if ! switch "$id"; then
    record failed "$id" switch
    compose "$id" down || true
    return 2
  fi
  record switched "$id" "from ${previous:-none}"
  if ! smoke "$url" host "$image" "$@"; then
    record smoke-failed "$id" public
    [ -n "$previous" ] || { record failed "$id" "no earlier release to return to"; return 4; }
    if ! { start_kept "$previous" "$timeout" && switch "$previous"; }; then
      record failed "$id" "could not switch back to $previous"
      return 4
    fi
    record rolled-back "$previous" "from $id"
    drained "$id"
    return 8
  fi
  record deployed "$id"
  [ -z "$previous" ] || [ "$previous" = "$id" ] || drained "$previous"
}

# start_kept ID TIMEOUT: start a kept release behind the proxy (one from before the
# proxy starts when it takes the port back, in switch).
start_kept() { ! behind_proxy "$1" || start "$1" "$2"; }

# previous: the last release that ran healthy other than the current one (what a rollback
# without an ID returns to).
previous() {
  sed -n 's/.*"event": "\(deployed\|rolled-back\)", "release": "\([^"]*\)".*/\2/p' \
    history.jsonl 2>/dev/null | grep -vx "$(current)" | tail -n 1 || true
}

rollback() {
  local to=$1 timeout=$2 secrets=$3 from
  reconcile "$timeout" || true
  from=$(current)
  [ -n "$to" ] || to=$(previous)
  [ -n "$to" ] || { echo "deploy-host: no earlier release to return to" >&2; return 5; }
  [ -f "releases/$to/compose.yaml" ] || { echo "deploy-host: no release $to here" >&2; return 5; }
  if [ "$secrets" = current ] && [ -n "$from" ] && [ "$to" != "$from" ]; then
    cp "releases/$from/secrets.env" "releases/$to/secrets.env"
    echo "deploy-host: $to takes the secrets of $from"
  fi
  if ! start_kept "$to" "$timeout"; then
    record unhealthy "$to" rollback
    [ "$to" = "$from" ] || compose "$to" stop || true
    return 3
  fi
  switch "$to" || { record failed "$to" switch; return 4; }
  record rolled-back "$to" "from ${from:-none}"
  [ -z "$from" ] || [ "$from" = "$to" ] || drained "$from"
}

# images ID: the image references of release ID's Compose file, one per line.
images() { sed -n 's/.*"image": "\([^"]*\)".*/\1/p' "releases/$1/compose.yaml"; }

# prune: remove the releases older than the newest $keep (never the running one, nor the
# one a rollback returns to), with their containers, secrets and backups, and the images
# that no kept release names.
prune() {
  local id kept kept_images
  kept=$( (ls releases | sort -r | head -n "$keep"; current; previous) | sort -u)
  mapfile -t old < <(ls releases | grep -vxF "$kept" || true)
  [ "${#old[@]}" -gt 0 ] || return 0
  kept_images=$(for id in $kept; do images "$id"; done | sort -u)
  for id in "${old[@]}"; do
    # A release from before the proxy shares its project with the others of its kind.
    ! behind_proxy "$id" || compose "$id" down >/dev/null 2>&1 || true
    for image in $(images "$id"); do
      grep -qxF "$image" <<<"$kept_images" || docker image rm "$image" >/dev/null 2>&1 || true
    done
    rm -rf "releases/$id" "backups/$id.dump"
    record pruned "$id"
  done
}

# detached NAME LIMITS FUNCTION ARGS...: run FUNCTION under the lock in its own session
# (an SSH disconnect does not stop it), stream its log, and exit with its status.
detached() {
  local name=$1 limits=$2 log status
  shift 2
  log=$(mktemp --suffix=.log "$dir/$name.XXXXXX")
  setsid bash "$self" "$dir" _locked "$log" "$limits" "$@" </dev/null >/dev/null 2>&1 &
  local pid=$!
  tail -n +1 -f --pid="$pid" "$log"
  wait "$pid" && status=0 || status=$?
  rm -f "$log"
  return "$status"
}

# limits KEEP:LOCK_WAIT:PULL_TIMEOUT:DRAIN (see the top).
limits() { IFS=: read -r keep lock_wait pull_timeout drain <<<"$1"; }

# locked FUNCTION ARGS...: FUNCTION under the lock, then prune when a release runs; exit 6
# naming the holder when another call keeps the lock past $lock_wait seconds.
locked() {
  exec 9>>lock
  if ! flock --wait "$lock_wait" 9; then
    echo "deploy-host: the lock is held by $(cat lock.holder 2>/dev/null || echo 'an unknown call')" >&2
    return 6
  fi
  echo "$1 ${2:-} (pid $$) since $(date -u +%Y-%m-%dT%H:%M:%SZ)" >lock.holder
  local status=0
  "$@" || status=$?
  [ -z "$(current)" ] || prune
  : >lock.holder
  return "$status"
}

case $command in
  deploy)
    id=$1 timeout=$2 limits=$3
    shift 3
    detached deploy "$limits" rollout "$id" "$timeout" "$@"
    ;;
  rollback) detached rollback "$3" rollback "$1" "$2" "$4" ;;
  _locked)
    log=$1 && limits "$2"
    shift 2
    locked "$@" >>"$log" 2>&1
    ;;
  releases)
    echo "current $(current)"
    [ -s lock.holder ] && echo "lock $(cat lock.holder)"
    if [ -n "$(current)" ]; then
      # The proxy too, unless the current release is one from before it.
      for file in current/compose.yaml proxy/compose.yaml; do
        [ "$file" != proxy/compose.yaml ] || [ -f current/upstream.conf ] || continue
        [ ! -f "$file" ] || docker compose -f "$file" ps --all \
          --format 'container {{.Service}} {{.State}} {{.Health}}' 2>/dev/null || true
      done
    fi
    [ -f history.jsonl ] && sed 's/^/history /' history.jsonl
    for meta in releases/*/release.json; do
      [ -f "$meta" ] && printf 'release %s\n' "$(tr -d '\n' <"$meta")"
    done
    ;;
  *) echo "deploy-host: unknown command $command" >&2; exit 64 ;;
esac
