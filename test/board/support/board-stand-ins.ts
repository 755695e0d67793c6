/**
 * Stand-ins for the two board tools that cannot work without a Raspberry Pi's camera and GPIO chip, installed
 * into an arm64 root's /usr/local/bin (on the service's PATH, as a locally built tool would be):
 *   - rpicam-vid: checks the arguments the libcamera adapter passes, then writes one scene with a person in
 *     it, over and over, as `rpicam-vid --codec yuv420 -o -` lays out a PiSP (Pi 5) buffer (i420-layout.ts);
 *   - gpiodetect, gpioinfo, gpioset: libgpiod 1.6.3 (the `gpiod` package of Debian 12 and Raspberry Pi OS
 *     bookworm) on a Pi 5, printing the formats of test/fixtures/gpio/rpi5-*-v1.txt; gpioset --mode=signal
 *     holds its lines until SIGTERM and a plain gpioset sets them and exits, and every level set is recorded.
 * They are POSIX sh (dash under qemu starts in milliseconds; an emulated Node takes seconds per call) and
 * record into `recordDir` (bound at /run/standin in the root).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rpicamI420Layout } from '../../../src/agent/camera/i420-layout.ts';
import { rgbToI420 } from '../../../src/agent/camera/i420.ts';
import { renderScene } from '../../../src/agent/camera/synthetic/scene.ts';
import { OnnxDetector } from '../../../src/agent/detect/onnx-detector.ts';
import { defaultModelPath } from '../../../src/agent/detect/runtime-paths.ts';
import { root } from './board-build.ts';

/** Where the stand-ins record, inside the root. */
export const RECORD_IN_ROOT = '/run/standin';
const SHARE = '/usr/local/share/lookout-standin';

/**
 * A 640×480 scene whose only object is a person that the bundled model finds with a clear margin (score
 * >= 0.7 on this machine; the rule's threshold is 0.5), found by trying seeds in order: same frame every run.
 */
export async function personScene(width: number, height: number): Promise<{ i420: Uint8Array; seed: number; score: number }> {
  const detector = new OnnxDetector({ modelPath: defaultModelPath(), threads: 1 });
  await detector.start();
  try {
    for (let seed = 1; seed < 200; seed++) {
      const scene = renderScene({ width, height, seed, objectCount: 1 });
      if (scene.objects.length !== 1 || scene.objects[0]?.label !== 'person') continue;
      const i420 = rgbToI420(scene.rgb, width, height);
      const result = await detector.detect({ data: i420.slice(), width, height, format: 'i420', capturedAt: 0, seq: seed });
      const person = result.detections.find((d) => d.label === 'person' && d.score >= 0.7);
      if (person !== undefined && result.detections.every((d) => d.label === 'person')) return { i420, seed, score: person.score };
    }
  } finally {
    await detector.stop();
  }
  throw new Error('no seed below 200 gives a scene with one clearly detected person');
}

/** A tightly packed I420 frame laid out as rpicam-vid writes a PiSP buffer: rows padded to the ISP's stride. */
export function padForPisp(i420: Uint8Array, width: number, height: number): Buffer {
  const l = rpicamI420Layout(width, height, 'pisp');
  const out = Buffer.alloc(l.frameBytes);
  const cw = width / 2;
  const copyRows = (src: number, dst: number, rowBytes: number, stride: number, rows: number): void => {
    for (let r = 0; r < rows; r++) out.set(i420.subarray(src + r * rowBytes, src + (r + 1) * rowBytes), dst + r * stride);
  };
  copyRows(0, 0, width, l.yStride, height);
  copyRows(width * height, l.yStride * l.yRows, cw, l.cStride, height / 2);
  copyRows(width * height + cw * (height / 2), l.yStride * l.yRows + l.cStride * l.cRows, cw, l.cStride, height / 2);
  return out;
}

// Arguments as rpicam-apps declares them (core/options.cpp, core/video_options.hpp); frames at the asked
// rate but at most MAX_FPS, as the emulated agent cannot take more and each frame costs two emulated execs.
const RPICAM_VID = (maxFps: number): string => String.raw`#!/bin/sh
# Stand-in for rpicam-vid (rpicam-apps) on a Raspberry Pi 5: see test/board/support/board-stand-ins.ts.
set -eu
printf '%s\n' "$*" >> ${RECORD_IN_ROOT}/rpicam-vid.log
width= height= fps= codec= out= timeout= nopreview= flush=
while [ $# -gt 0 ]; do
  case "$1" in
    -t|--timeout) timeout=$2; shift 2 ;;
    --codec) codec=$2; shift 2 ;;
    --width) width=$2; shift 2 ;;
    --height) height=$2; shift 2 ;;
    --framerate) fps=$2; shift 2 ;;
    -o|--output) out=$2; shift 2 ;;
    --camera) shift 2 ;;
    -n|--nopreview) nopreview=1; shift ;;
    --flush) flush=1; shift ;;
    *) echo "ERROR: *** unrecognised option '$1' ***" >&2; exit 255 ;;
  esac
done
if [ "$timeout" != 0 ] || [ "$codec" != yuv420 ] || [ "$out" != - ] || [ -z "$nopreview" ] || [ -z "$flush" ]; then
  echo "stand-in: expected -t 0 -n --codec yuv420 --flush -o -" >&2; exit 2
fi
frame=${SHARE}/frame-$\{width}x$\{height}.yuv
if [ ! -f "$frame" ]; then echo "ERROR: *** stand-in has no $\{width}x$\{height} frame ***" >&2; exit 255; fi
interval=$(awk -v f="$fps" -v m=${maxFps} 'BEGIN { if (f > m) f = m; printf "%.3f", 1 / f }')
echo "[0:00:01.000000000] [$$]  INFO Camera camera_manager.cpp:326 libcamera v0.5.1 (stand-in)" >&2
while :; do
  cat "$frame"
  sleep "$interval"
done
`.replaceAll('$\\{', '${');

const GPIOD = String.raw`#!/bin/sh
# Stand-in for libgpiod 1.6.3's gpiodetect, gpioinfo and gpioset on a Raspberry Pi 5: see
# test/board/support/board-stand-ins.ts. Each gpioset holding lines has a file held/PID: "CHIP OFFSET=VALUE...".
set -eu
tool=$(basename "$0")
rec=${RECORD_IN_ROOT}
share=${SHARE}
mkdir -p "$rec/held"
printf '%s %s\n' "$tool" "$*" >> "$rec/gpio-calls.log"

# "CHIP OFFSET VALUE" for every line held by a gpioset that is still alive.
held_lines() {
  for f in "$rec"/held/*; do
    [ -f "$f" ] || continue
    kill -0 "$(basename "$f")" 2>/dev/null || continue
    read -r chip rest < "$f"
    for a in $rest; do echo "$chip $\{a%%=*} $\{a#*=}"; done
  done
}

case "$tool" in
  gpiodetect)
    cat "$share/gpiodetect.txt" ;;
  gpioinfo)
    held_lines | awk -v want="$*" '
      # v1 tools/gpioinfo.c prinfo(): right-aligned columns; after one overflow the rest are unpadded.
      function p(w, t) { if (of || length(t) - 1 >= w) { of = 1; return t } return sprintf("%" w "s", t) }
      BEGIN { n = split(want, w, " "); for (i = 1; i <= n; i++) wanted[w[i]] = 1 }
      FILENAME == "-" { held[$1 " " $2] = 1; next }
      /^[^\t]/ { chip = $1; show = (n == 0 || chip in wanted) }
      !show { next }
      /^\tline/ {
        off = $2; sub(/:$/, "", off)
        if ((chip " " off) in held) {
          of = 0
          printf "\tline %s: %s %s %s%s[used]\n", p(3, off), p(12, $3), p(12, "\"gpioset\""), p(8, "output "), p(13, "active-high ")
          next
        }
      }
      { print }' - "$share/gpioinfo.txt" ;;
  gpioset)
    case "$\{1:-}" in
      -v|--version)
        printf 'gpioset (libgpiod) v1.6.3\nCopyright (C) 2017-2018 Bartosz Golaszewski\nLicense: LGPLv2.1\nThis is free software: you are free to change and redistribute it.\nThere is NO WARRANTY, to the extent permitted by law.\n'
        exit 0 ;;
      -h|--help)
        printf 'Usage: gpioset [OPTIONS] <chip name/number> <offset1>=<value1> <offset2>=<value2> ...\nSet GPIO line values of a GPIO chip and maintain the state until the process exits.\n\nOptions:\n  -h, --help:\t\tdisplay this message and exit\n  -v, --version:\tdisplay the version and exit\n  -l, --active-low:\tset the line active state to low\n  -m, --mode=[exit|wait|time|signal] (defaults to '"'"'exit'"'"'):\n\t\ttell the program what to do after setting values\n' 
        exit 0 ;;
    esac
    mode=exit
    while [ $# -gt 0 ]; do
      case "$1" in
        --mode=*) mode=$\{1#--mode=}; shift ;;
        -m) mode=$2; shift 2 ;;
        -*) echo "gpioset: unrecognized option '$1'" >&2; exit 1 ;;
        *) break ;;
      esac
    done
    chip=$1; shift
    if ! grep -q "^$chip " "$share/gpiodetect.txt"; then
      echo "gpioset: error setting the GPIO line values: No such file or directory" >&2; exit 1
    fi
    busy=$(held_lines)
    for a in "$@"; do
      if printf '%s\n' "$busy" | grep -q "^$chip $\{a%%=*} "; then
        echo "gpioset: error setting the GPIO line values: Device or resource busy" >&2; exit 1
      fi
    done
    echo "$chip $*" >> "$rec/gpio-levels.log"
    [ "$mode" = signal ] || exit 0
    echo "$chip $*" > "$rec/held/$$"
    trap 'kill "$sleeper" 2>/dev/null || true; rm -f "$rec/held/$$"; exit 0' TERM INT
    while :; do
      sleep 3600 &
      sleeper=$!
      wait "$sleeper" || true
    done ;;
esac
`.replaceAll('$\\{', '${');

function withoutComments(path: string): string {
  return readFileSync(path, 'utf8').split('\n').filter((l) => !l.startsWith('#')).join('\n');
}

/** Installs the stand-ins and the camera's frame into `rootDir`; `recordDir` is what the root sees at /run/standin. */
export function installStandIns(rootDir: string, recordDir: string, frame: { width: number; height: number; data: Buffer }, maxFps = 4): void {
  const bin = join(rootDir, 'usr/local/bin');
  const share = join(rootDir, SHARE);
  mkdirSync(bin, { recursive: true });
  mkdirSync(share, { recursive: true });
  writeFileSync(join(share, `frame-${frame.width}x${frame.height}.yuv`), frame.data);
  const fixtures = join(root, 'test/fixtures/gpio');
  writeFileSync(join(share, 'gpiodetect.txt'), withoutComments(join(fixtures, 'rpi5-gpiodetect-v1.txt')));
  writeFileSync(join(share, 'gpioinfo.txt'), withoutComments(join(fixtures, 'rpi5-gpioinfo-v1.txt')));
  writeFileSync(join(bin, 'rpicam-vid'), RPICAM_VID(maxFps), { mode: 0o755 });
  for (const tool of ['gpiodetect', 'gpioinfo', 'gpioset']) writeFileSync(join(bin, tool), GPIOD, { mode: 0o755 });
  // The service's user writes the records.
  mkdirSync(join(recordDir, 'held'), { recursive: true });
  chmodSync(recordDir, 0o777);
  chmodSync(join(recordDir, 'held'), 0o777);
}

/** The levels every gpioset run set, in order: [{ chip, offset, value }]. */
export function gpioLevels(recordDir: string): { chip: string; offset: number; value: number }[] {
  const path = join(recordDir, 'gpio-levels.log');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).flatMap((line) => {
    const [chip, ...assignments] = line.split(' ');
    return assignments.map((a) => ({ chip: chip!, offset: Number(a.split('=')[0]), value: Number(a.split('=')[1]) }));
  });
}

/** gpioset processes that still hold lines (their pid files; the process may be gone). */
export function heldBy(recordDir: string): string[] {
  return readdirSync(join(recordDir, 'held'));
}
