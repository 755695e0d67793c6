/**
 * Times decode + NMS + box mapping alone (no inference), for `npm run bench`: the per-frame cost the agent
 * pays on top of session.run(). Inference itself is timed through DetectEngine, whose DetectTimings separate
 * preprocess, inference and postprocess.
 */
import { boxMapping, letterboxGeometry } from './letterbox.ts';
import type { OutputShape } from './output-decoder.ts';
import { DEFAULT_POSTPROCESS, Postprocessor, type PostprocessOptions } from './postprocess.ts';

export interface DecodeNmsBench {
  readonly runs: number;
  readonly meanMs: number;
  readonly minMs: number;
  /** Detections the last run returned (to check the output was realistic). */
  readonly detections: number;
}

/**
 * A YOLOv8-layout output [1, 4 + classes, anchors] with `objects` clusters of overlapping boxes over a
 * low-score background, deterministic for a seed: what a real model emits for a busy scene.
 */
export function syntheticYolov8Output(shape: OutputShape, inputSize: number, objects: number, seed = 1): Float32Array {
  let s = seed >>> 0;
  const rand = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const n = shape.anchors;
  const out = new Float32Array((4 + shape.classes) * n);
  const centres = Array.from({ length: objects }, () => [rand() * inputSize, rand() * inputSize, 20 + rand() * 100, Math.floor(rand() * shape.classes)] as const);
  for (let i = 0; i < n; i++) {
    const c = centres[i % Math.max(1, objects)];
    const near = c !== undefined && rand() < 0.05;
    out[i] = near ? c[0] + (rand() - 0.5) * 8 : rand() * inputSize;
    out[n + i] = near ? c[1] + (rand() - 0.5) * 8 : rand() * inputSize;
    out[2 * n + i] = near ? c[2] : 5 + rand() * 40;
    out[3 * n + i] = near ? c[2] * 0.8 : 5 + rand() * 40;
    for (let k = 0; k < shape.classes; k++) out[(4 + k) * n + i] = rand() * 0.02;
    if (near) out[(4 + c[3]) * n + i] = 0.3 + rand() * 0.7;
  }
  return out;
}

export function benchDecodeNms(
  output: Float32Array,
  shape: OutputShape,
  frame: { readonly width: number; readonly height: number },
  input: { readonly width: number; readonly height: number },
  runs: number,
  options: PostprocessOptions = DEFAULT_POSTPROCESS,
): DecodeNmsBench {
  const labels = Array.from({ length: shape.classes }, (_, i) => `class${i}`);
  const post = new Postprocessor(shape, labels, options);
  const mapping = boxMapping(letterboxGeometry(frame.width, frame.height, input.width, input.height));
  let detections = post.run(output, mapping).length; // warm-up (JIT)
  let total = 0;
  let min = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    detections = post.run(output, mapping).length;
    const dt = performance.now() - t0;
    total += dt;
    min = Math.min(min, dt);
  }
  return { runs, meanMs: total / Math.max(1, runs), minMs: min, detections };
}
