#!/bin/sh
# Entrypoint of the nginx:1.29-alpine-slim stand-in image (tools/engine). It follows the
# contract of the official image's entrypoint, when the command is nginx or nginx-debug:
#   1. the hooks in /docker-entrypoint.d, in name order: executable *.envsh are sourced
#      (their exports reach what follows), executable *.sh are run;
#   2. every $NGINX_ENVSUBST_TEMPLATE_DIR/**/*$NGINX_ENVSUBST_TEMPLATE_SUFFIX
#      (default /etc/nginx/templates/**/*.template) is rendered with envsubst to
#      $NGINX_ENVSUBST_OUTPUT_DIR/** without the suffix (default /etc/nginx/conf.d),
#      replacing only variables defined in the environment (optionally only those whose
#      names match the regex $NGINX_ENVSUBST_FILTER), so nginx's own $host, $uri, ...
#      stay as they are;
# then it execs the command (Cmd: nginx -g 'daemon off;').
# NGINX_ENTRYPOINT_QUIET_LOGS (non-empty) silences its messages.
set -eu

say() { [ -n "${NGINX_ENTRYPOINT_QUIET_LOGS:-}" ] || echo "$0: $*" >&2; }

render_templates() {
  dir=${NGINX_ENVSUBST_TEMPLATE_DIR:-/etc/nginx/templates}
  suffix=${NGINX_ENVSUBST_TEMPLATE_SUFFIX:-.template}
  out=${NGINX_ENVSUBST_OUTPUT_DIR:-/etc/nginx/conf.d}
  [ -d "$dir" ] || return 0
  if [ ! -w "$out" ]; then say "$out is not writable: templates not rendered"; return 0; fi
  # envsubst's SHELL-FORMAT argument: '${NAME} ' for every variable in the environment.
  vars=$(awk -v filter="${NGINX_ENVSUBST_FILTER:-}" 'BEGIN {
    for (name in ENVIRON)
      if (name ~ /^[A-Za-z_][A-Za-z0-9_]*$/ && (filter == "" || name ~ filter))
        printf "${%s} ", name
  }')
  for template in $(find "$dir" -follow -type f -name "*$suffix" | sort); do
    target=$out/${template#"$dir"/}; target=${target%"$suffix"}
    mkdir -p "$(dirname "$target")"
    say "rendering $template to $target"
    envsubst "$vars" <"$template" >"$target"
  done
}

if [ "${1:-}" = nginx ] || [ "${1:-}" = nginx-debug ]; then
  # Hook and template names are split on newlines only.
  nl='
'
  IFS=$nl; set -f
  if [ -d /docker-entrypoint.d ]; then
    for hook in $(find /docker-entrypoint.d -follow -type f | sort); do
      [ -x "$hook" ] || { say "ignoring $hook (not executable)"; continue; }
      case $hook in
        *.envsh) say "sourcing $hook"; unset IFS; set +f; . "$hook"; IFS=$nl; set -f ;;
        *.sh) say "running $hook"; "$hook" ;;
        *) say "ignoring $hook" ;;
      esac
    done
  fi
  render_templates
  unset IFS; set +f
  say "ready for start up"
fi
exec "$@"
