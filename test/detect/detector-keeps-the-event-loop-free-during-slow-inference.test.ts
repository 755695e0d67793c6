/**
 * onnxruntime's session.run() blocks its thread for the whole inference. The fixture `slow` model (eight 3x3
 * convolutions on 256x256, ~50-100 ms on one thread) runs in the detector's worker while the main thread's
 * event-loop delay is measured; the same engine run on the main thread is the control that shows the
 * measurement does catch blocking.
 */
import assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { test } from 'node:test';
import { DetectEngine } from '../../src/agent/detect/detect-engine.ts';
import { OnnxDetector } from '../../src/agent/detect/onnx-detector.ts';
import { fixtureModel } from './helpers/fixture-models.ts';
import { solidRgbFrame } from './helpers/frames.ts';

const RUNS = 4;

async function maxLagDuring(work: () => Promise<number>): Promise<{ lagMs: number; minInferenceMs: number }> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  let minInferenceMs = Infinity;
  for (let i = 0; i < RUNS; i++) minInferenceMs = Math.min(minInferenceMs, await work());
  h.disable();
  return { lagMs: h.max / 1e6, minInferenceMs };
}

test('event-loop delay stays far below the inference time while the worker infers', async () => {
  const detector = new OnnxDetector({ modelPath: fixtureModel('slow'), threads: 1 });
  const engine = await DetectEngine.open({ modelPath: fixtureModel('slow'), threads: 1 });
  try {
    await detector.start();
    const inWorker = await maxLagDuring(async () => (await detector.detect(solidRgbFrame(320, 240, [90, 120, 200]))).timings.inferenceMs);
    const onMain = await maxLagDuring(async () => (await engine.detect(solidRgbFrame(320, 240, [90, 120, 200]))).timings.inferenceMs);
    assert.ok(inWorker.minInferenceMs > 20, `the slow model must take tens of ms (took ${inWorker.minInferenceMs.toFixed(1)} ms)`);
    // Control: blocking the main thread shows up as lag of about one inference.
    assert.ok(onMain.lagMs > 0.8 * onMain.minInferenceMs, `control lag ${onMain.lagMs.toFixed(1)} ms vs inference ${onMain.minInferenceMs.toFixed(1)} ms`);
    assert.ok(inWorker.lagMs < inWorker.minInferenceMs / 3, `lag ${inWorker.lagMs.toFixed(1)} ms vs inference ${inWorker.minInferenceMs.toFixed(1)} ms`);
  } finally {
    await detector.stop();
    await engine.close();
  }
});
