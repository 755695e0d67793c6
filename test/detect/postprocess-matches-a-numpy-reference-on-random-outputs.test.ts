/**
 * Random YOLOv8 and YOLOv5 outputs with clusters of overlapping boxes go through Postprocessor and through
 * scripts/fixtures/postprocess-reference.py (numpy, Ultralytics' NMS with the class-offset trick): the same
 * boxes, classes and scores must come out, in the same order.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { boxMapping, letterboxGeometry } from '../../src/agent/detect/letterbox.ts';
import type { OutputShape } from '../../src/agent/detect/output-decoder.ts';
import { Postprocessor } from '../../src/agent/detect/postprocess.ts';

const script = fileURLToPath(new URL('../../scripts/fixtures/postprocess-reference.py', import.meta.url));

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Anchors cluster around a few objects so NMS has real work; scores are continuous (no ties). */
function randomOutput(shape: OutputShape, size: number, seed: number): Float32Array {
  const r = rng(seed);
  const n = shape.anchors;
  const nc = shape.classes;
  const objects = Array.from({ length: 12 }, () => [r() * size, r() * size, 10 + r() * 80, 10 + r() * 80, Math.floor(r() * nc)] as const);
  const stride = shape.layout === 'yolov8' ? 1 : 5 + nc;
  const at = (row: number, i: number): number => (shape.layout === 'yolov8' ? row * n + i : i * stride + row);
  const out = new Float32Array(n * (nc + (shape.layout === 'yolov8' ? 4 : 5)));
  for (let i = 0; i < n; i++) {
    const o = objects[Math.floor(r() * objects.length)]!;
    out[at(0, i)] = o[0] + (r() - 0.5) * 20;
    out[at(1, i)] = o[1] + (r() - 0.5) * 20;
    out[at(2, i)] = o[2] * (0.7 + r() * 0.6);
    out[at(3, i)] = o[3] * (0.7 + r() * 0.6);
    const clsRow = shape.layout === 'yolov8' ? 4 : 5;
    if (shape.layout === 'yolov5') out[at(4, i)] = r();
    for (let c = 0; c < nc; c++) out[at(clsRow + c, i)] = r() * (c === o[4] ? 1 : 0.3);
  }
  return out;
}

for (const layout of ['yolov8', 'yolov5'] as const) {
  test(`${layout}: the same detections as the numpy reference, for several frame shapes and thresholds`, () => {
    const shape: OutputShape = { layout, anchors: 1200, classes: 5 };
    const cases = [
      { seed: 1, frame: [1280, 720], conf: 0.25, iou: 0.7, maxDet: 300 },
      { seed: 2, frame: [333, 501], conf: 0.1, iou: 0.45, maxDet: 300 },
      { seed: 3, frame: [640, 640], conf: 0.05, iou: 0.5, maxDet: 40 },
    ] as const;
    for (const c of cases) {
      const output = randomOutput(shape, 320, c.seed);
      const options = { conf: c.conf, iou: c.iou, maxDet: c.maxDet, maxCandidates: 30000 };
      const post = new Postprocessor(shape, ['a', 'b', 'c', 'd', 'e'], options);
      const ours = post.run(output, boxMapping(letterboxGeometry(c.frame[0], c.frame[1], 320, 320)));
      const input = JSON.stringify({ output: Array.from(output), layout, anchors: shape.anchors, classes: shape.classes, ...options, frame: c.frame, input: [320, 320] });
      const ref = JSON.parse(execFileSync('/usr/bin/python3', [script], { input, encoding: 'utf8', maxBuffer: 1 << 26 })) as number[][];
      assert.ok(ref.length > 10, `seed ${c.seed}: the reference kept ${ref.length} boxes`);
      assert.equal(ours.length, ref.length, `seed ${c.seed}: count`);
      ours.forEach((d, i) => {
        const [cls, score, ...box] = ref[i]!;
        assert.equal(d.classId, cls, `seed ${c.seed} #${i} class`);
        assert.ok(Math.abs(d.score - score!) < 1e-6, `seed ${c.seed} #${i} score ${d.score} vs ${score!}`);
        d.box.forEach((v, k) => {
          assert.ok(Math.abs(v - box[k]!) < 1e-3, `seed ${c.seed} #${i} box ${JSON.stringify(d.box)} vs ${JSON.stringify(box)}`);
        });
      });
    }
  });
}
