# install_python: make /usr/local a virtual environment of Debian's python3, so the image
# has what the real python:*-slim images have: python, python3, pip, pip3 in
# /usr/local/bin and a site-packages of its own (/usr/local/lib/pythonX.Y/site-packages)
# in which pip installs and upgrades freely. Debian's own Python packages stay out of it
# (pip could not uninstall them: they have no RECORD file). Sourced by customize().
install_python() {
  in_chroot "$ROOTFS" python3 -m venv /usr/local
  in_chroot "$ROOTFS" ln -sf python3 /usr/local/bin/python
}

# check_python: python and pip start, in the image's arch (run by verify()).
check_python() {
  in_chroot "$ROOTFS" python --version
  in_chroot "$ROOTFS" pip --version
}
