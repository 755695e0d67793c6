import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sampleSchema, statsSchema, type SamplePayload } from '../../src/protocol/index.ts';
import { systemClock } from '../../src/agent/clock.ts';
import { Sampler } from '../../src/agent/telemetry/samples/sampler.ts';
import { StatsCollector } from '../../src/agent/telemetry/stats/stats-collector.ts';
import { sleep, startRig, type Rig } from '../pipeline/helpers.ts';
import { config } from './helpers.ts';

test('on the real pipeline a rule sample carries the id its firing got, with the synthetic truth, and stats count the frames', async () => {
  const sent: SamplePayload[] = [];
  const ruleIds: (string | undefined)[] = [];
  // The listeners are built before the rig they read from.
  const live: { rig?: Rig } = {};
  const sampler = new Sampler({
    deviceId: 'pi-porch',
    // No audits and a band no score falls in: the rule is the only reason here (an uncertain sample being
    // encoded when the rule fires would make the rule's one be dropped as busy).
    config: config({ auditRate: 0, uncertainLow: 0, uncertainHigh: 1e-9 }),
    clock: systemClock,
    model: () => ({ name: 'v8-names', version: 1 }),
    publish: (p) => sent.push(p),
    seed: 1,
    syntheticTruth: (seq) => live.rig?.source.groundTruth(seq),
    domain: () => ({ lighting: 'day' }),
  });
  let processed = 0;
  const collector = new StatsCollector({
    deviceId: 'pi-porch',
    intervalS: 10,
    clock: systemClock,
    pipeline: () => live.rig?.pipeline.counters ?? { processed: 0, dropped: 0 },
    source: () => live.rig?.source.stats ?? { captured: 0 },
    detector: () => ({ provider: 'cpu', model: { name: 'v8-names', version: 1 } }),
    thermalRoot: '/nonexistent',
    throttle: { read: () => Promise.resolve(null) },
  });
  await collector.start();
  const rig = await startRig({
    model: 'v8-names', // a person in every frame
    fps: 20,
    rules: [{ name: 'p', classes: ['person'], framesToFire: 3, holdMs: 5000, maxOnMs: 60_000, output: 'relay' }],
    listeners: {
      onRuleEvent: (event) => {
        if (event.kind === 'fired') ruleIds.push(sampler.ruleFired());
      },
      onResult: (result, frame) => {
        processed++;
        collector.onResult(result);
        sampler.onResult(result, frame);
      },
    },
  });
  live.rig = rig;
  await sleep(800);
  await rig.stop();
  await sampler.stop();

  assert.equal(ruleIds.length, 1);
  assert.deepEqual(sent.map((s) => [s.reason, s.id]), [['rule', ruleIds[0]]]);
  for (const s of sent) {
    sampleSchema.parse(s);
    assert.deepEqual([s.width, s.height], [320, 240]);
    assert.ok(Array.isArray(s.syntheticTruth), 'the synthetic camera\'s truth came along');
    assert.ok(s.predictions.some((p) => p.label === 'person'));
  }
  assert.equal(sampler.copies, 1);

  const stats = await collector.collect();
  statsSchema.parse(stats);
  assert.equal(stats.frames.processed, processed);
  assert.equal(stats.inferenceMs.count, processed);
  assert.equal(stats.glassToGpioMs.count, 1);
  assert.ok((stats.classes.person?.count ?? 0) >= processed);
});
