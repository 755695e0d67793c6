import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_DOMAIN } from '../../src/agent/camera/synthetic/domain.ts';
import { defaultModelPath } from '../../src/agent/detect/runtime-paths.ts';
import { fleetSchema } from '../../src/cloud/retrain/fleet-schema.ts';
import { runGate } from '../../src/cloud/retrain/gate.ts';
import { writeSynthDataset } from '../../src/dataset/synth-writer.ts';

test('the gate measures both models the same way and rejects a candidate that is no better, with its figures', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-gate-'));
  t.after(() => { rmSync(dir, { recursive: true, force: true }); });
  const night = await writeSynthDataset({ out: join(dir, 'night'), count: 24, seed: 7, width: 320, height: 240, val: 0.99, format: 'jpg', domain: { ...DEFAULT_DOMAIN, lighting: 'night', appearance: 'shifted' } });
  const day = await writeSynthDataset({ out: join(dir, 'day'), count: 24, seed: 8, width: 320, height: 240, val: 0.99, format: 'jpg', domain: { ...DEFAULT_DOMAIN } });
  const model = defaultModelPath();

  const gate = fleetSchema.parse({ group: 'g', gate: { minGain: 0.02, maxOriginalLoss: 0.02, originalData: day.dataYaml } }).gate;
  const same = await runGate(gate, model, model, night.dataYaml);
  assert.equal(same.passed, false);
  assert.equal(same.candidate.heldOut, same.current.heldOut, 'one model, one figure: the two runs are measured alike');
  assert.ok(same.current.original !== null && same.current.original > same.current.heldOut, 'the bundled model is better on the scene it was made for');
  assert.match(same.reasons[0] ?? '', /held-out mAP@0\.5 .* does not beat the current .* by 0\.02/);

  // No original test set: the held-out check alone decides, and the result says the other was skipped.
  const lenient = fleetSchema.parse({ group: 'g', gate: { minGain: 0 } }).gate;
  const skipped = await runGate(lenient, model, model, night.dataYaml);
  assert.equal(skipped.passed, true);
  assert.equal(skipped.current.original, null);
  assert.match(skipped.reasons.join(' '), /no original test set/);
});
