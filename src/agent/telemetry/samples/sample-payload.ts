/**
 * Assembles the `samples` payload: the JPEG as base64, and the model's predictions (and, from the synthetic
 * camera only, the simulator's ground truth) mapped from the frame's pixels to the JPEG's.
 */
import type { DetectionPayload, ModelRef, SamplePayload } from '../../../protocol/index.ts';
import type { BoxXYXY, Detection } from '../../detect/types.ts';
import type { EncodedSample } from './sample-encoder.ts';
import type { SampleReason } from './sample-policy.ts';

/** Protocol bounds: boxes per sample, characters per label. */
const MAX_BOXES = 300;
const MAX_LABEL = 64;

/** A labelled box of the synthetic scene's ground truth, in frame pixels (see camera/synthetic/labels.ts). */
export interface SyntheticTruthBox {
  readonly label: string;
  readonly box: BoxXYXY;
}

export interface SampleContext {
  readonly deviceId: string;
  readonly id: string;
  /** Wall-clock ms of the frame's capture. */
  readonly ts: number;
  readonly reason: SampleReason;
  readonly model: ModelRef;
  readonly detections: readonly Detection[];
  /** The synthetic camera's ground truth for this frame; absent for real cameras. */
  readonly syntheticTruth?: readonly SyntheticTruthBox[];
  readonly domain?: Readonly<Record<string, string>>;
}

/** Maps a box from a frame of one size to an image of another, clipped to the image, 2 decimals. */
export function scaleBox(box: readonly [number, number, number, number], sx: number, sy: number, width: number, height: number): [number, number, number, number] {
  const fit = (v: number, max: number): number => Math.min(max, Math.max(0, Math.round(v * 100) / 100));
  return [fit(box[0] * sx, width), fit(box[1] * sy, height), fit(box[2] * sx, width), fit(box[3] * sy, height)];
}

export function buildSamplePayload(encoded: EncodedSample, ctx: SampleContext): SamplePayload {
  const sx = encoded.width / encoded.sourceWidth;
  const sy = encoded.height / encoded.sourceHeight;
  const predictions: DetectionPayload[] = ctx.detections.slice(0, MAX_BOXES).map((d) => ({
    label: d.label.slice(0, MAX_LABEL),
    score: d.score,
    box: scaleBox(d.box, sx, sy, encoded.width, encoded.height),
  }));
  const payload: SamplePayload = {
    v: 1,
    deviceId: ctx.deviceId,
    id: ctx.id,
    ts: Math.max(0, Math.round(ctx.ts)),
    reason: ctx.reason,
    width: encoded.width,
    height: encoded.height,
    jpeg: encoded.jpeg.toString('base64'),
    predictions,
    model: ctx.model,
  };
  if (ctx.syntheticTruth !== undefined) {
    payload.syntheticTruth = ctx.syntheticTruth.slice(0, MAX_BOXES).map((t) => ({ label: t.label.slice(0, MAX_LABEL), box: scaleBox(t.box, sx, sy, encoded.width, encoded.height) }));
  }
  if (ctx.domain !== undefined) payload.domain = { ...ctx.domain };
  return payload;
}
