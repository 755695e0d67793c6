#!/usr/bin/env bash
# Remakes the bundled model, models/lookout-int8.onnx, from nothing: generates the synthetic data sets, trains
# the detector, exports float and int8 (QDQ) ONNX, evaluates both through the agent's own code path, and
# writes the figures to WORK/eval-*.json for the model card.
#
#   scripts/make-model.sh [WORK_DIR]        (about 25 minutes on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-$(mktemp -d /tmp/lookout-model-XXXXXX)}
mkdir -p "$work"
lookout() { node --import tsx src/cli.ts "$@"; }
py=/usr/bin/python3   # Debian's python3 with python3-torch and python3-onnx

[ -f "$work/synth/data.yaml" ] || lookout dataset synth --out "$work/synth" --count 4000 --seed 1
[ -f "$work/synth-test/data.yaml" ] || lookout dataset synth --out "$work/synth-test" --count 500 --seed 999 --val 0.2

$py -m scripts.trainer train --data "$work/synth/data.yaml" --out "$work/run" \
  --imgsz 256,320 --epochs 12 --batch 16 --seed 0 --val-limit 200
$py -m scripts.trainer export --weights "$work/run/best.pt" --out "$work/export" \
  --calib "$work/synth/data.yaml" --calib-images 200 --version 1

lookout eval --model "$work/export/model.onnx" --data "$work/synth-test/data.yaml" --split val --json > "$work/eval-float.json"
lookout eval --model "$work/export/model.int8.onnx" --data "$work/synth-test/data.yaml" --split val --json > "$work/eval-int8.json"
cp "$work/export/model.int8.onnx" models/lookout-int8.onnx
echo "models/lookout-int8.onnx remade; figures in $work/eval-float.json and $work/eval-int8.json"
