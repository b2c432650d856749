#!/usr/bin/env bash
# deploy-host: releases on a deploy target, run there by the pipeline over SSH (it sends
# this file with every call, so the host needs only bash, flock and Docker Compose v2).
#
#   deploy-host DIR deploy ID TIMEOUT    roll out releases/ID; if it turns unhealthy,
#                                        return to the previous release (exit 3)
#   deploy-host DIR rollback [ID] TIMEOUT  return to ID, or to the release before the current
#   deploy-host DIR releases             current release, history, every release's metadata
#
# DIR holds releases/ID/{compose.yaml,release.json,secrets.env}, `current` (a symlink to
# the running release), history.jsonl (one JSON object per event) and backups/.
# A rollout runs detached from the SSH session under a lock: when the connection drops
# it still ends with the old or the new release running and `current` naming it.
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
  compose "$id" pull --quiet || { record failed "$id" pull; return 2; }
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

rollback() {
  local to=$1 timeout=$2 from
  from=$(current)
  if [ -z "$to" ]; then
    to=$(sed -n 's/.*"event": "\(deployed\|rolled-back\)", "release": "\([^"]*\)".*/\2/p' \
      history.jsonl | grep -vx "$from" | tail -n 1 || true)
  fi
  [ -n "$to" ] || { echo "deploy-host: no earlier release to return to" >&2; return 5; }
  [ -f "releases/$to/compose.yaml" ] || { echo "deploy-host: no release $to here" >&2; return 5; }
  if activate "$to" "$timeout"; then record rolled-back "$to" "from ${from:-none}"; return 0; fi
  record unhealthy "$to" rollback
  [ -n "$from" ] && activate "$from" "$timeout" && record rolled-back "$from" "from $to"
  return 4
}

# detached NAME FUNCTION ARGS...: run FUNCTION under the lock in its own session (an SSH
# disconnect does not stop it), stream its log, and exit with its status.
detached() {
  local name=$1 log status
  shift
  log=$(mktemp --suffix=.log "$dir/$name.XXXXXX")
  setsid bash "$self" "$dir" _locked "$log" "$@" </dev/null >/dev/null 2>&1 &
  local pid=$!
  tail -n +1 -f --pid="$pid" "$log"
  wait "$pid" && status=0 || status=$?
  rm -f "$log"
  return "$status"
}

case $command in
  deploy) detached deploy rollout "$1" "$2" ;;
  rollback) detached rollback rollback "${1:-}" "${2:-180}" ;;
  _locked)
    log=$1
    shift
    exec 9>lock
    flock 9
    "$@" >>"$log" 2>&1
    ;;
  releases)
    echo "current $(current)"
    [ -f history.jsonl ] && sed 's/^/history /' history.jsonl
    for meta in releases/*/release.json; do
      [ -f "$meta" ] && printf 'release %s\n' "$(tr -d '\n' <"$meta")"
    done
    ;;
  *) echo "deploy-host: unknown command $command" >&2; exit 64 ;;
esac
