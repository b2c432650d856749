# Building images from recipes: the helpers `images/build` (stand-in images, pushed to
# the local registry) and `build-sdk-content` (the engine's builtin SDK content) share.
# Source it after ../lib.sh; do not run it.
#
# A recipe is a bash file that sets IMAGE, ARCHES, SUITE, PACKAGES and the image config,
# and may define prepare(), customize(), verify() and finish() working on $ROOTFS for
# $ARCH (see README.md). SUITE=scratch starts from an empty root filesystem.
# ARCHES other than the host's are made from the host's root, before slim, by retarget.py
# (each package swapped for its build for that arch, natively: no dpkg under QEMU); only
# ldconfig, slim and finish() run under QEMU user emulation (binfmt, see ../binfmt).
#
# Caches (in $CACHE_DIR/images): a debootstrap base per suite, and one OCI layout per
# recipe content and arch (plus an index layout, its blobs hard links to theirs); the
# layouts of a recipe's earlier content are deleted once its new ones are built.

IMG_CACHE=$CACHE_DIR/images
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
IMAGES_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
HOST_ARCH=$(dpkg --print-architecture)
mkdir -p "$IMG_CACHE/base" "$IMG_CACHE/oci" "$IMG_CACHE/work"

# in_chroot ROOTFS CMD...: run CMD inside ROOTFS with /proc, /dev and /sys mounted in a
# private mount namespace (the mounts vanish with it).
in_chroot() {
  local root=$1; shift
  unshare -m --propagation private -- sh -c '
    r=$1; shift
    mount -t proc proc "$r/proc"; mount --rbind /dev "$r/dev"; mount --rbind /sys "$r/sys"
    exec chroot "$r" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"' sh "$root" "$@"
}

# base_tar SUITE ARCH: path of a cached minbase rootfs tarball, made on first use.
base_tar() {
  local suite=$1 arch=$2 tar=$IMG_CACHE/base/$1-$2.tar
  if [ ! -f "$tar" ]; then
    local dir=$IMG_CACHE/work/base-$suite-$arch
    rm -rf "$dir"
    log "debootstrap $suite/$arch (log: $LOG_DIR/debootstrap.log)"
    run_logged debootstrap debootstrap --variant=minbase --arch="$arch" \
      --include=ca-certificates "$suite" "$dir" "$DEBIAN_MIRROR"
    tar -C "$dir" --numeric-owner -cf "$tar.tmp" . && mv "$tar.tmp" "$tar"
    rm -rf "$dir"
  fi
  echo "$tar"
}

# trust_host_ca ROOTFS: install the host's extra CA certificates (the HTTPS proxy's)
# so apt, pip and npm inside the image work here. The engine also injects them into
# every container it runs. Only the `*.crt` files: the hash links (`*.0`) beside them
# appear once the engine has started on the machine and would make the image depend on
# when it was built.
trust_host_ca() {
  local dest=$1/usr/local/share/ca-certificates
  mkdir -p "$dest"
  (cd /usr/local/share/ca-certificates 2>/dev/null &&
     find . -name '*.crt' -exec cp -a --parents {} "$dest" \;) || true
  in_chroot "$1" update-ca-certificates >/dev/null
}

# slim ROOTFS: drop apt lists, caches, docs and build-only files.
slim() {
  local r=$1
  in_chroot "$r" apt-get clean
  rm -rf "$r"/var/lib/apt/lists/* "$r"/var/cache/apt/*.bin "$r"/var/cache/debconf/*-old \
         "$r"/var/log/apt/* "$r"/var/log/dpkg.log "$r"/var/log/alternatives.log \
         "$r"/usr/share/doc/* "$r"/usr/share/man/* "$r"/usr/share/info/* \
         "$r"/root/.cache "$r"/root/.npm "$r"/tmp/* "$r"/usr/sbin/policy-rc.d
  find "$r"/usr -name __pycache__ -type d -prune -exec rm -rf {} + 2>/dev/null || true
  : >"$r/etc/resolv.conf"; : >"$r/etc/hostname"
  # Without it on PATH, the engine adds the host's CA certificates to each container's
  # bundle itself instead of running it twice per exec (about 1.5 s per exec; README.md).
  rm -f "$r/usr/sbin/update-ca-certificates"
}

# load_recipe FILE: set the recipe's variables (defaults first), RECIPE_HASH (of the
# recipe, this library, retarget.py if it has other ARCHES than the host's, the files in
# its FILES_DIR and the image name) and TAG.
load_recipe() {
  RECIPE=$1
  IMAGE="" ARCHES=amd64 SUITE=trixie PACKAGES="" WORKDIR=/ USER_="" STOPSIGNAL=""
  ENV_=("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" "LANG=C.UTF-8")
  CMD=(bash) ENTRYPOINT=() EXPOSE=() VOLUMES=() FILES_DIR=""
  prepare() { :; }    # runs before the packages are installed (host's arch only)
  customize() { :; }  # runs after (host's arch only: the others copy its result)
  verify() { :; }     # runs after customize, or retargeting, for every arch
  finish() { :; }     # runs after slim, for files slim would drop (caches)
  # shellcheck disable=SC1090
  . "$RECIPE"
  [ -n "$IMAGE" ] || die "$RECIPE sets no IMAGE"
  [[ " $ARCHES " == *" $HOST_ARCH "* ]] || die "$RECIPE: ARCHES must include this host's ($HOST_ARCH)"
  local retarget=""
  [ "$ARCHES" = "$HOST_ARCH" ] || retarget=$IMAGES_DIR/retarget.py
  RECIPE_HASH=$({ cat "$RECIPE" "$IMAGES_DIR/lib.sh" $retarget ${FILES_DIR:+$(find "$FILES_DIR" -type f | sort)}
                  echo "$IMAGE"; } | sha256sum | cut -c1-16)
  TAG=${IMAGE##*:}
}

# layout_path ARCH: where the loaded recipe's OCI layout for ARCH lives ("index": the
# layout holding the index of every arch).
layout_path() {
  local name=${IMAGE%%:*}
  echo "$IMG_CACHE/oci/${name//\//_}-$TAG-$1-$RECIPE_HASH"
}

# host_root_tar: where the host arch's root of the loaded recipe is kept, before slim, for
# its other ARCHES (deleted when they are built).
host_root_tar() { echo "$(layout_path "$HOST_ARCH").root.tar"; }

# build_layout ARCH: set ARCH and LAYOUT (image $LAYOUT:$TAG) and build the loaded
# recipe's OCI layout for ARCH unless it is already complete: one layer holding the
# whole root filesystem. An arch other than the host's needs host_root_tar.
build_layout() {
  ARCH=$1
  LAYOUT=$(layout_path "$ARCH")
  local name=${IMAGE%%:*}
  CURRENT_LOG=$LOG_DIR/image-${name//\//_}-$TAG-$ARCH.log
  [ -f "$LAYOUT/.complete" ] && return 0
  log "building $IMAGE ($ARCH) from $(basename "$RECIPE"), log: $CURRENT_LOG"
  local work=$IMG_CACHE/work/$(basename "$LAYOUT")
  rm -rf "$work" "$LAYOUT"; mkdir -p "$work/rootfs"
  ROOTFS=$work/rootfs
  {
    if [ "$SUITE" = scratch ]; then
      customize
    elif [ "$ARCH" != "$HOST_ARCH" ]; then
      tar -C "$ROOTFS" --numeric-owner -xf "$(host_root_tar)"
      python3 "$IMAGES_DIR/retarget.py" "$ROOTFS" "$ARCH"
      in_chroot "$ROOTFS" ldconfig
      verify
      slim "$ROOTFS"
      finish
    else
      tar -C "$ROOTFS" --numeric-owner -xf "$(base_tar "$SUITE" "$ARCH")"
      cp /etc/resolv.conf "$ROOTFS/etc/resolv.conf"
      printf '#!/bin/sh\nexit 101\n' >"$ROOTFS/usr/sbin/policy-rc.d"; chmod +x "$ROOTFS/usr/sbin/policy-rc.d"
      printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' \
        >"$ROOTFS/etc/apt/apt.conf.d/90stand-in"
      trust_host_ca "$ROOTFS"
      prepare
      if [ -n "$PACKAGES" ]; then
        in_chroot "$ROOTFS" apt-get update
        # shellcheck disable=SC2086
        in_chroot "$ROOTFS" apt-get install -y $PACKAGES
      fi
      customize
      verify
      [ "$ARCHES" = "$HOST_ARCH" ] || tar -C "$ROOTFS" --numeric-owner -cf "$(host_root_tar)" .
      slim "$ROOTFS"
      finish
    fi
  } >>"$CURRENT_LOG" 2>&1

  tar -C "$ROOTFS" --numeric-owner --owner=0 --group=0 -cf "$work/layer.tar" .
  umoci init --layout "$LAYOUT"
  umoci new --image "$LAYOUT:$TAG"
  umoci raw add-layer --image "$LAYOUT:$TAG" "$work/layer.tar"
  local args=(--image "$LAYOUT:$TAG" --os linux --architecture "$ARCH"
              --config.workingdir "$WORKDIR" --config.label "org.pipeline-engine.recipe=$RECIPE_HASH"
              --config.label "org.pipeline-engine.stand-in-for=$IMAGE")
  local e; for e in "${ENV_[@]}"; do args+=(--config.env "$e"); done
  for e in "${CMD[@]}"; do args+=(--config.cmd "$e"); done
  for e in "${ENTRYPOINT[@]}"; do args+=(--config.entrypoint "$e"); done
  for e in "${EXPOSE[@]}"; do args+=(--config.exposedports "$e"); done
  for e in "${VOLUMES[@]}"; do args+=(--config.volume "$e"); done
  [ -n "$USER_" ] && args+=(--config.user "$USER_")
  [ -n "$STOPSIGNAL" ] && args+=(--config.stopsignal "$STOPSIGNAL")
  umoci config "${args[@]}"
  umoci gc --layout "$LAYOUT"
  rm -rf "$work"
  touch "$LAYOUT/.complete"
}

# build_index: build the loaded recipe for each of its ARCHES, the host's first, and set
# LAYOUT to an OCI layout whose $TAG is an image index of them all (each manifest with its
# platform). The host's layout is built again when another arch needs its root.
build_index() {
  local arch index manifests=() others
  others=$(printf '%s\n' $ARCHES | grep -vx "$HOST_ARCH" || true)
  for arch in $others; do
    [ -f "$(layout_path "$arch")/.complete" ] || [ -f "$(host_root_tar)" ] ||
      rm -f "$(layout_path "$HOST_ARCH")/.complete"
  done
  for arch in $HOST_ARCH $others; do
    build_layout "$arch"
    manifests+=("$(jq -c --arg a "$arch" '.manifests[0] | del(.annotations) |
      . + {platform: {os: "linux", architecture: $a}}' "$LAYOUT/index.json")")
  done
  rm -f "$(host_root_tar)"
  index=$(layout_path index)
  if [ ! -f "$index/.complete" ]; then
    rm -rf "$index"; mkdir -p "$index/blobs/sha256"
    for arch in $ARCHES; do cp -aln "$(layout_path "$arch")/blobs/sha256/." "$index/blobs/sha256/"; done
    printf '%s\n' "${manifests[@]}" | jq -cs '{schemaVersion: 2,
      mediaType: "application/vnd.oci.image.index.v1+json", manifests: .}' >"$index/list.json"
    local digest size
    digest=$(sha256sum "$index/list.json" | cut -d' ' -f1)
    size=$(stat -c %s "$index/list.json")
    mv "$index/list.json" "$index/blobs/sha256/$digest"
    echo '{"imageLayoutVersion":"1.0.0"}' >"$index/oci-layout"
    jq -n --arg d "sha256:$digest" --argjson s "$size" --arg t "$TAG" '{schemaVersion: 2,
      manifests: [{mediaType: "application/vnd.oci.image.index.v1+json", digest: $d,
      size: $s, annotations: {"org.opencontainers.image.ref.name": $t}}]}' >"$index/index.json"
    touch "$index/.complete"
  fi
  LAYOUT=$index
  drop_stale_layouts
}

# drop_stale_layouts: delete the loaded recipe's layouts of another RECIPE_HASH (each
# change to the recipe or to this builder leaves a whole set behind otherwise).
drop_stale_layouts() {
  local name=${IMAGE%%:*} dir rest
  local prefix=${name//\//_}-$TAG-
  for dir in "$IMG_CACHE/oci/$prefix"*; do
    rest=${dir#"$IMG_CACHE/oci/$prefix"}
    [[ $rest =~ ^[a-z0-9]+-([0-9a-f]{16})(\.root\.tar)?$ ]] || continue
    [ "${BASH_REMATCH[1]}" = "$RECIPE_HASH" ] || rm -rf "$dir"
  done
}
