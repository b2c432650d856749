# install_tool NAME VERSION DEST: copy tools/engine's build of NAME at VERSION
# (build-tools, in $TOOLS_BIN_DIR) to DEST inside the recipe's $ROOTFS.
install_tool() {
  local bin=$TOOLS_BIN_DIR/$1-$2
  [ -x "$bin" ] || die "$1 $2 is not built: run tools/engine/build-tools first"
  install -D -m 0755 "$bin" "$ROOTFS$3"
  in_chroot "$ROOTFS" "$3" version
}
