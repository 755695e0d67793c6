#!/bin/sh
# Installs /boot/firmware/lookout.deb on the first boot of a stock Raspberry Pi OS image, then turns itself off.
# Setup, with the card's partitions mounted (boot at /media/boot, root at /media/rootfs):
#   cp lookout_*_arm64.deb /media/boot/lookout.deb
#   cp lookout-firstboot.sh /media/rootfs/usr/local/sbin/ && chmod 755 /media/rootfs/usr/local/sbin/lookout-firstboot.sh
#   cp lookout-firstboot.service /media/rootfs/etc/systemd/system/
#   ln -s /etc/systemd/system/lookout-firstboot.service /media/rootfs/etc/systemd/system/multi-user.target.wants/
set -eu
deb=/boot/firmware/lookout.deb
apt-get install -y "$deb"
rm -f "$deb"
systemctl disable lookout-firstboot.service
