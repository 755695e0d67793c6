import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OnnxDetector, type OnnxDetectorOptions } from '../../src/agent/detect/onnx-detector.ts';
import { startCandidate } from '../../src/agent/update/candidate.ts';
import { isLookoutError } from '../../src/errors.ts';
import { fixtureModel } from '../detect/helpers/fixture-models.ts';
import { manifestFor, readModel } from './helpers.ts';

const rules = [{ name: 'presence', classes: ['person'] }];

test('a model whose input is not the size the manifest says is refused with INPUT_MISMATCH, its detector stopped', { timeout: 30_000 }, async () => {
  const base: OnnxDetectorOptions = { modelPath: fixtureModel('v8-names'), threads: 1 };
  const running = new OnnxDetector(base);
  const info = await running.start();
  const made: OnnxDetector[] = [];
  const create = (o: OnnxDetectorOptions): OnnxDetector => {
    const d = new OnnxDetector(o);
    made.push(d);
    return d;
  };
  try {
    // The "slow" fixture takes 256x256; the manifest claims 64x64.
    const path = fixtureModel('slow');
    const manifest = manifestFor(readModel('slow'), 'https://models.example/slow.onnx', { version: 9 });
    await assert.rejects(startCandidate({ create, base, path, manifest, rules, running: info }), (e: unknown) =>
      isLookoutError(e) && e.code === 'INPUT_MISMATCH' && /256x256.*64x64/.test(e.message));
    assert.equal(made[0]?.detectorInfo, undefined, 'the candidate was stopped');
    // BGR models: the detector feeds RGB.
    const bgr = manifestFor(readModel('v8-dynamic'), 'https://models.example/m.onnx', { version: 9, input: { width: 64, height: 64, format: 'bgr' } });
    await assert.rejects(startCandidate({ create, base, path: fixtureModel('v8-dynamic'), manifest: bgr, rules, running: info }), (e: unknown) =>
      isLookoutError(e) && e.code === 'INPUT_MISMATCH' && e.where === 'manifest.input.format');
  } finally {
    for (const d of made) await d.stop();
    await running.stop();
  }
});

test('a model that lands on a less preferred provider than the running one is refused with PROVIDER_FALLBACK', { timeout: 30_000 }, async () => {
  // The running model on CUDA; on this machine (no GPU) the new one can only fall back to cpu, as a model with
  // an operator the GPU provider lacks would on a Jetson.
  const base: OnnxDetectorOptions = { modelPath: fixtureModel('v8-names'), providers: ['cuda', 'cpu'], threads: 1 };
  const running = new OnnxDetector({ ...base, providers: ['cpu'] });
  const cpuInfo = await running.start();
  const made: OnnxDetector[] = [];
  const create = (o: OnnxDetectorOptions): OnnxDetector => {
    const d = new OnnxDetector(o);
    made.push(d);
    return d;
  };
  try {
    const path = fixtureModel('v8-dynamic');
    const manifest = manifestFor(readModel('v8-dynamic'), 'https://models.example/m.onnx', { version: 9 });
    await assert.rejects(startCandidate({ create, base, path, manifest, rules, running: { ...cpuInfo, provider: 'cuda' } }), (e: unknown) =>
      isLookoutError(e) && e.code === 'PROVIDER_FALLBACK' && /runs on cpu; the running one on cuda/.test(e.message));
    assert.equal(made[0]?.detectorInfo, undefined, 'the candidate was stopped');
    // The same provider as the running model is no fallback.
    const ok = await startCandidate({ create, base, path, manifest, rules, running: cpuInfo });
    assert.equal(ok.info.provider, 'cpu');
    await ok.detector.stop();
  } finally {
    for (const d of made) await d.stop();
    await running.stop();
  }
});
