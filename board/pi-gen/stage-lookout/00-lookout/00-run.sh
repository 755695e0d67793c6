#!/bin/bash -e
# pi-gen substage: install the lookout package into the image (files/lookout.deb, put there before the build).
install -m 644 files/lookout.deb "${ROOTFS_DIR}/tmp/lookout.deb"
on_chroot << CHROOT
apt-get install -y /tmp/lookout.deb
rm -f /tmp/lookout.deb
CHROOT

# The relay's pin as an output driven high (off for an active-low module) from early boot.
config="${ROOTFS_DIR}/boot/firmware/config.txt"
if ! grep -q '^gpio=17=' "$config"; then
  printf '\n# Lookout relay (GPIO17): off from early boot\ngpio=17=op,dh\n' >> "$config"
fi
