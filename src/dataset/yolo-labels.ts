/**
 * YOLO label files: one line per object, `class cx cy w h`, coordinates normalised to 0..1 by the image size
 * (the Ultralytics detection format, docs.ultralytics.com/datasets/detect/). An empty file means no objects.
 */
import { writeFile } from 'node:fs/promises';
import { LookoutError } from '../errors.ts';

export interface YoloBox {
  readonly classId: number;
  /** Centre and size, normalised to the image width / height. */
  readonly cx: number;
  readonly cy: number;
  readonly w: number;
  readonly h: number;
}

/** Coordinates may stray this far outside 0..1 (rounding by other tools) before a line is rejected. */
export const COORD_TOLERANCE = 1e-3;

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function bad(where: string, message: string): LookoutError {
  return new LookoutError('dataset', 'BAD_LABEL', message, { where });
}

/**
 * Parses one label file. `file` names it in errors (`file:line`); `classCount` bounds class ids.
 * Blank lines are skipped; every other line must hold exactly five numbers.
 */
export function parseYoloLabels(text: string, file: string, classCount: number): YoloBox[] {
  const boxes: YoloBox[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const where = `${file}:${i + 1}`;
    const fields = line.split(/\s+/);
    if (fields.length !== 5) throw bad(where, `expected 5 fields (class cx cy w h), found ${fields.length}`);
    fields.forEach((f, k) => {
      if (!NUMBER.test(f)) throw bad(where, `field ${k + 1} is not a number: ${JSON.stringify(f)}`);
    });
    const [c, cx, cy, w, h] = fields.map(Number) as [number, number, number, number, number];
    if (!Number.isInteger(c) || c < 0 || c >= classCount) {
      throw bad(where, `class id ${fields[0]} is not an integer in 0..${classCount - 1}`);
    }
    if (!(w > 0) || !(h > 0)) throw bad(where, `box size must be positive, got w=${fields[3]} h=${fields[4]}`);
    const lo = -COORD_TOLERANCE;
    const hi = 1 + COORD_TOLERANCE;
    for (const [name, v] of [['cx', cx], ['cy', cy], ['w', w], ['h', h]] as const) {
      if (v < lo || v > hi) throw bad(where, `${name}=${v} is outside 0..1`);
    }
    if (cx - w / 2 < lo || cx + w / 2 > hi || cy - h / 2 < lo || cy + h / 2 > hi) {
      throw bad(where, `box (cx=${cx}, cy=${cy}, w=${w}, h=${h}) extends outside the image`);
    }
    boxes.push({ classId: c, cx, cy, w, h });
  });
  return boxes;
}

function checkBox(b: YoloBox, i: number): void {
  const finite = [b.cx, b.cy, b.w, b.h].every(Number.isFinite);
  if (!Number.isInteger(b.classId) || b.classId < 0 || !finite || b.w <= 0 || b.h <= 0) {
    throw new LookoutError('dataset', 'BAD_BOX', `box ${i} is not a valid YOLO box: ${JSON.stringify(b)}`, { where: `boxes[${i}]` });
  }
}

/** Label file text: 6 decimals, one line per box, a trailing newline; '' for no boxes. */
export function formatYoloLabels(boxes: readonly YoloBox[]): string {
  return boxes
    .map((b, i) => {
      checkBox(b, i);
      return `${b.classId} ${b.cx.toFixed(6)} ${b.cy.toFixed(6)} ${b.w.toFixed(6)} ${b.h.toFixed(6)}\n`;
    })
    .join('');
}

export async function writeYoloLabels(path: string, boxes: readonly YoloBox[]): Promise<void> {
  await writeFile(path, formatYoloLabels(boxes));
}

/** Converts a pixel box [x1, y1, x2, y2] (edges) in a width x height image to a normalised YOLO box. */
export function yoloBoxFromPixels(classId: number, box: readonly [number, number, number, number], width: number, height: number): YoloBox {
  const clamp = (v: number, max: number): number => Math.min(Math.max(v, 0), max);
  const x1 = clamp(box[0], width);
  const y1 = clamp(box[1], height);
  const x2 = clamp(box[2], width);
  const y2 = clamp(box[3], height);
  return { classId, cx: (x1 + x2) / 2 / width, cy: (y1 + y2) / 2 / height, w: (x2 - x1) / width, h: (y2 - y1) / height };
}
