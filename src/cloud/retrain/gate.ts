/**
 * The evaluation gate: a candidate replaces the current model only if it is better where the fleet now is
 * (held-out part of the new data) by `minGain`, and not worse by more than `maxOriginalLoss` where the model was
 * good before (the original test set). Both models are measured the same way, through the agent's detector.
 */
import type { OnnxDetectorOptions } from '../../agent/detect/onnx-detector.ts';
import { evaluateModel, EVAL_DEFAULTS } from '../../dataset/evaluate-model.ts';
import type { FleetConfig } from './fleet-schema.ts';

export interface GateFigures {
  readonly current: { readonly heldOut: number; readonly original: number | null };
  readonly candidate: { readonly heldOut: number; readonly original: number | null };
  readonly minGain: number;
  readonly maxOriginalLoss: number;
  readonly passed: boolean;
  /** Why it failed, or notes (a skipped check). */
  readonly reasons: readonly string[];
}

function options(modelPath: string): OnnxDetectorOptions {
  return { modelPath, conf: EVAL_DEFAULTS.conf, iou: EVAL_DEFAULTS.iou, providers: ['cpu'], threads: 1 };
}

export async function runGate(gate: FleetConfig['gate'], current: string, candidate: string, heldOutData: string): Promise<GateFigures> {
  const map = async (model: string, data: string): Promise<number> => (await evaluateModel(options(model), data, 'val')).map50;
  const cur = { heldOut: await map(current, heldOutData), original: gate.originalData === undefined ? null : await map(current, gate.originalData) };
  const cand = { heldOut: await map(candidate, heldOutData), original: gate.originalData === undefined ? null : await map(candidate, gate.originalData) };
  const reasons: string[] = [];
  if (cand.heldOut < cur.heldOut + gate.minGain) {
    reasons.push(`held-out mAP@0.5 ${cand.heldOut.toFixed(3)} does not beat the current ${cur.heldOut.toFixed(3)} by ${gate.minGain}`);
  }
  if (cur.original !== null && cand.original !== null && cand.original < cur.original - gate.maxOriginalLoss) {
    reasons.push(`original-test mAP@0.5 ${cand.original.toFixed(3)} loses more than ${gate.maxOriginalLoss} against the current ${cur.original.toFixed(3)}`);
  }
  const passed = reasons.length === 0;
  if (gate.originalData === undefined) reasons.push('no original test set configured (gate.originalData): only the held-out check ran');
  return { current: cur, candidate: cand, minGain: gate.minGain, maxOriginalLoss: gate.maxOriginalLoss, passed, reasons };
}
