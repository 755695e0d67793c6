/** Frames and expectations shared by the detector tests (the fixture models are described in fixture-models.ts). */
import assert from 'node:assert/strict';
import type { Frame } from '../../../src/agent/camera/frame.ts';
import type { BoxXYXY, Detection } from '../../../src/agent/detect/types.ts';

let seq = 0;

export function solidRgbFrame(width: number, height: number, rgb: readonly [number, number, number]): Frame {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) data.set(rgb, i * 3);
  return { data, width, height, format: 'rgb24', capturedAt: performance.now(), seq: seq++ };
}

/** Mean of a channel that fills half the letterboxed input, the other half being padding (114). */
export const HALF_FILLED = 0.5 + (0.5 * 114) / 255;
export const HALF_PADDING = (0.5 * 114) / 255;

export interface Expected {
  readonly label: string;
  readonly score: number;
  readonly box: BoxXYXY;
}

/**
 * A red 128x64 frame: letterboxed at scale 0.5 with 16 rows of padding above. Anchors (input pixels) map back
 * as (x / 0.5, (y - 16) / 0.5): a0 person (12..28, 24..40) -> [24, 16, 56, 48]; a2 car (14..30) -> [28, 16,
 * 60, 48]; a5 car (44..56, 22..30) -> [88, 12, 112, 28] with score mean(R). a1 is suppressed by a0, a4 is under
 * conf, a3 (dog, mean(B) = 0.22) too.
 */
export const RED_LANDSCAPE: readonly Expected[] = [
  { label: 'person', score: 0.9, box: [24, 16, 56, 48] },
  { label: 'car', score: 0.85, box: [28, 16, 60, 48] },
  { label: 'car', score: HALF_FILLED, box: [88, 12, 112, 28] },
];

/**
 * A blue 64x128 frame: scale 0.5, 16 columns of padding on the left: ((x - 16) / 0.5, y / 0.5), clipped to
 * 64 wide. a3 dog (43..53, 30..50) -> [54, 60, 64 (clipped from 74), 100] with score mean(B).
 */
export const BLUE_PORTRAIT: readonly Expected[] = [
  { label: 'person', score: 0.9, box: [0, 48, 24, 80] },
  { label: 'car', score: 0.85, box: [0, 48, 28, 80] },
  { label: 'dog', score: HALF_FILLED, box: [54, 60, 64, 100] },
];

export function assertDetections(actual: readonly Detection[], expected: readonly Expected[], scoreTolerance = 1e-5, boxTolerance = 1e-4): void {
  assert.equal(actual.length, expected.length, `got ${JSON.stringify(actual)}`);
  expected.forEach((e, i) => {
    const a = actual[i]!;
    assert.equal(a.label, e.label, `detection ${i} label`);
    assert.ok(Math.abs(a.score - e.score) <= scoreTolerance, `detection ${i} score ${a.score} vs ${e.score}`);
    a.box.forEach((v, k) => {
      assert.ok(Math.abs(v - e.box[k]!) <= boxTolerance, `detection ${i} box ${JSON.stringify(a.box)} vs ${JSON.stringify(e.box)}`);
    });
  });
}
