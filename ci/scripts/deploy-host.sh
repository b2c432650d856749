#!/usr/bin/env bash
# deploy-host: releases on a deploy target, run there by the pipeline over SSH (it sends
# this file with every call, so the host needs only bash, flock and Docker Compose v2).
#
#   deploy-host DIR deploy ID TIMEOUT LIMITS   roll out releases/ID; if it turns unhealthy,
#                                              return to the previous release (exit 3)
#   deploy-host DIR rollback ID|"" TIMEOUT LIMITS SECRETS  return to ID, or to the release
#                                              before the current one; SECRETS `current`: with
#                                              the current release's secrets (a rotated key
#                                              stays rotated), `own`: with those it had
#   deploy-host DIR releases                   current release, its containers' states,
#                                              history, every release's metadata, who holds
#                                              the lock
# LIMITS is KEEP:LOCK_WAIT:PULL_TIMEOUT: the releases kept on the host, the seconds a call
# waits for another one's lock (then exit 6, naming the holder), and the seconds
# `docker compose pull` may take.
#
# DIR holds releases/ID/{compose.yaml,release.json,secrets.env}, `current` (a symlink to
# the running release), history.jsonl (one JSON object per event) and backups/.
# A rollout runs detached from the SSH session under a lock: when the connection drops
# it still ends with the old or the new release running and `current` naming it. After
# one that ends with a release running, releases beyond the newest KEEP (never the
# running one) go, with their secrets file, their backup and the images no kept release
# uses.
set -euo pipefail
umask 077
self=$(readlink -f "$0") dir=$(readlink -f "$1") command=$2
shift 2
cd "$dir"
mkdir -p releases backups

current() { [ -L current ] && basename "$(readlink current)" || true; }

# record EVENT ID [DETAIL]: one line of history (IDs and events are [A-Za-z0-9._-]).
record() {
  printf '{"time": "%s", "event": "%s", "release": "%s", "detail": "%s"}\n' \
    "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$1" "$2" "${3:-}" >>history.jsonl
  echo "deploy-host: $1 $2 ${3:-}"
}

compose() { local id=$1; shift; docker compose -f "releases/$id/compose.yaml" "$@"; }

# activate ID TIMEOUT: start ID's containers, wait until healthy, then point `current` at it.
activate() {
  compose "$1" up --detach --wait --wait-timeout "$2" --remove-orphans || return 1
  ln -sfn "releases/$1" current.new && mv -T current.new current
}

backup() {
  local id=$1 image
  image=$(sed -n 's/.*"backup_image": "\([^"]*\)".*/\1/p' "releases/$id/release.json")
  [ -n "$image" ] || return 0
  docker run --rm --env-file "releases/$id/secrets.env" --add-host host.docker.internal:host-gateway \
    "$image" sh -c 'exec pg_dump --format=custom "$DATABASE_URL"' >"backups/$id.dump" ||
    { record failed "$id" backup; return 1; }
  record backed-up "$id" "backups/$id.dump"
}

rollout() {
  local id=$1 timeout=$2 previous
  previous=$(current)
  record started "$id" "previous: ${previous:-none}"
  timeout "$pull_timeout" docker compose -f "releases/$id/compose.yaml" pull --quiet ||
    { record failed "$id" pull; return 2; }
  backup "$id" || return 2
  compose "$id" run --rm --no-deps backend python manage.py migrate --noinput ||
    { record failed "$id" migrate; return 2; }
  if activate "$id" "$timeout"; then record deployed "$id"; return 0; fi
  record unhealthy "$id"
  if [ -n "$previous" ] && activate "$previous" "$timeout"; then
    record rolled-back "$previous" "from $id"
    return 3
  fi
  compose "$id" down || true
  record failed "$id" "no healthy release to return to"
  return 4
}

# previous: the last release that ran healthy other than the current one (what a rollback
# without an ID returns to).
previous() {
  sed -n 's/.*"event": "\(deployed\|rolled-back\)", "release": "\([^"]*\)".*/\2/p' \
    history.jsonl 2>/dev/null | grep -vx "$(current)" | tail -n 1 || true
}

rollback() {
  local to=$1 timeout=$2 secrets=$3 from
  from=$(current)
  [ -n "$to" ] || to=$(previous)
  [ -n "$to" ] || { echo "deploy-host: no earlier release to return to" >&2; return 5; }
  [ -f "releases/$to/compose.yaml" ] || { echo "deploy-host: no release $to here" >&2; return 5; }
  if [ "$secrets" = current ] && [ -n "$from" ] && [ "$to" != "$from" ]; then
    cp "releases/$from/secrets.env" "releases/$to/secrets.env"
    echo "deploy-host: $to takes the secrets of $from"
  fi
  if activate "$to" "$timeout"; then record rolled-back "$to" "from ${from:-none}"; return 0; fi
  record unhealthy "$to" rollback
  [ -n "$from" ] && activate "$from" "$timeout" && record rolled-back "$from" "from $to"
  return 4
}

# images ID: the image references of release ID's Compose file, one per line.
images() { sed -n 's/.*"image": "\([^"]*\)".*/\1/p' "releases/$1/compose.yaml"; }

# prune: remove the releases older than the newest $keep (never the running one, nor the
# one a rollback returns to), with their secrets and backups, and the images that no kept
# release names.
prune() {
  local id kept kept_images
  kept=$( (ls releases | sort -r | head -n "$keep"; current; previous) | sort -u)
  mapfile -t old < <(ls releases | grep -vxF "$kept" || true)
  [ "${#old[@]}" -gt 0 ] || return 0
  kept_images=$(for id in $kept; do images "$id"; done | sort -u)
  for id in "${old[@]}"; do
    for image in $(images "$id"); do
      grep -qxF "$image" <<<"$kept_images" || docker image rm "$image" >/dev/null 2>&1 || true
    done
    rm -rf "releases/$id" "backups/$id.dump"
    record pruned "$id"
  done
}

# detached NAME FUNCTION ARGS...: run FUNCTION under the lock in its own session (an SSH
# disconnect does not stop it), stream its log, and exit with its status.
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

# limits KEEP:LOCK_WAIT:PULL_TIMEOUT (see the top).
limits() { IFS=: read -r keep lock_wait pull_timeout <<<"$1"; }

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
  deploy) detached deploy "$3" rollout "$1" "$2" ;;
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
      docker compose -f current/compose.yaml ps --all \
        --format 'container {{.Service}} {{.State}} {{.Health}}' 2>/dev/null || true
    fi
    [ -f history.jsonl ] && sed 's/^/history /' history.jsonl
    for meta in releases/*/release.json; do
      [ -f "$meta" ] && printf 'release %s\n' "$(tr -d '\n' <"$meta")"
    done
    ;;
  *) echo "deploy-host: unknown command $command" >&2; exit 64 ;;
esac
