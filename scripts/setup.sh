#!/usr/bin/env bash
# Installs what Lookout needs on a fresh Debian 12 / Raspberry Pi OS (bookworm) machine, only when missing:
#   scripts/setup.sh          run-time needs (npm packages)
#   scripts/setup.sh --test   also everything the test suites use (Debian packages included)
# Safe to run again; it does nothing when all is present.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

# Debian packages the test suites need. Each entry: package:command-or-path that proves it is installed.
test_debs=(
  "postgresql:/usr/lib/postgresql/15/bin/postgres"
  "python3-torch:/usr/lib/python3/dist-packages/torch/__init__.py"
  "python3-onnx:/usr/lib/python3/dist-packages/onnx/__init__.py"
  "python3-numpy:/usr/lib/python3/dist-packages/numpy/__init__.py"
  "python3-pil:/usr/lib/python3/dist-packages/PIL/__init__.py"
  "python3-yaml:/usr/lib/python3/dist-packages/yaml/__init__.py"
  "ffmpeg:/usr/bin/ffmpeg"
  "gpiod:/usr/bin/gpioset"
  "mosquitto:/usr/sbin/mosquitto"
  "openssl:/usr/bin/openssl"
  "chromium:/usr/bin/chromium"
  "qemu-user-static:/usr/bin/qemu-aarch64-static"
  "g++-aarch64-linux-gnu:/usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1"
  "systemd:/usr/bin/systemd-analyze"
  "libfaketime:/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1"
  "debootstrap:/usr/sbin/debootstrap"
)

# Needed by `npm ci` itself where a native package (better-sqlite3) has no prebuilt binary to download and
# is compiled by node-gyp.
build_debs=(
  "g++:/usr/bin/g++"
  "make:/usr/bin/make"
  "python3:/usr/bin/python3"
)

missing=()
for entry in "${build_debs[@]}"; do
  pkg=${entry%%:*}; probe=${entry#*:}
  [ -e "$probe" ] || missing+=("$pkg")
done
if [ $want_test = 1 ]; then
  for entry in "${test_debs[@]}"; do
    pkg=${entry%%:*}; probe=${entry#*:}
    [ -e "$probe" ] || missing+=("$pkg")
  done
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm packages: install from the lock file when node_modules is missing or older than the lock.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi
