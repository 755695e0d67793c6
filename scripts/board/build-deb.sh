#!/bin/sh
# Builds dist/lookout_<VERSION>_arm64.deb from the board bundle in dist/board/lookout/ (node
# scripts/board/build-board.mjs [--with-node] first). A bundle that carries node/ needs no nodejs package.
#
# usage: scripts/board/build-deb.sh VERSION [BUNDLE_DIR]
set -eu

version=${1:-}
case "$version" in
  [0-9]*) ;;
  *) echo "usage: $0 VERSION [BUNDLE_DIR]   (VERSION starts with a digit: debian-policy 5.6.12)" >&2; exit 2 ;;
esac
root=$(cd "$(dirname "$0")/../.." && pwd)
bundle=${2:-$root/dist/board/lookout}
here="$root/scripts/board"
board="$root/board"
if [ ! -x "$bundle/bin/lookout" ] || [ ! -f "$bundle/dist/lookout.mjs" ]; then
  echo "build-deb: no board bundle in $bundle: run node scripts/board/build-board.mjs first" >&2
  exit 1
fi

stage=$(mktemp -d "$root/dist/deb-stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT

mkdir -p "$stage/DEBIAN" "$stage/opt" "$stage/usr/bin" "$stage/etc/lookout" \
  "$stage/lib/systemd/system" "$stage/lib/udev/rules.d"
cp -a "$bundle" "$stage/opt/lookout"
ln -s /opt/lookout/bin/lookout "$stage/usr/bin/lookout"
install -m 0644 "$board/config.yaml" "$stage/etc/lookout/config.yaml"
install -m 0644 "$board/lookout.service" "$stage/lib/systemd/system/lookout.service"
install -m 0644 "$board/60-lookout-gpio.rules" "$stage/lib/udev/rules.d/60-lookout-gpio.rules"
for script in postinst prerm postrm; do
  install -m 0755 "$here/deb/$script" "$stage/DEBIAN/$script"
done
# Files under /etc are conffiles (debian-policy 10.7.2): dpkg keeps the administrator's edits on upgrade.
echo /etc/lookout/config.yaml > "$stage/DEBIAN/conffiles"

# onnxruntime's arm64 library needs glibc and libstdc++ (the floors are the newest GLIBC_/GLIBCXX_ symbol
# versions it imports); the launcher needs Node >= 20 unless the bundle carries its own.
depends="libc6 (>= 2.28), libgcc-s1, libstdc++6 (>= 6), adduser"
if [ ! -x "$bundle/node/bin/node" ]; then
  depends="$depends, nodejs (>= 20)"
fi
installed=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
cat > "$stage/DEBIAN/control" <<CONTROL
Package: lookout
Version: $version
Architecture: arm64
Maintainer: Lookout maintainers <lookout@localhost>
Section: misc
Priority: optional
Installed-Size: $installed
Depends: $depends
Recommends: rpicam-apps | libcamera-apps, gpiod
Description: Lookout edge-vision agent (camera, int8 detector, rules, GPIO)
 Watches a camera with an int8 object detector and drives relays through GPIO
 by rules, with MQTT telemetry and signed model updates. Runs as the systemd
 service lookout.service (user lookout) configured by /etc/lookout/config.yaml.
CONTROL

out="$root/dist/lookout_${version}_arm64.deb"
dpkg-deb --build --root-owner-group "$stage" "$out" >/dev/null
echo "$out: $(du -h "$out" | cut -f1) (installed $installed KiB)"
