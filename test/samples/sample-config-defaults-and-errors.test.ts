import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isLookoutError } from '../../src/errors.ts';
import { samplesConfigSchema } from '../../src/agent/telemetry/samples/schema.ts';
import { statsIntervalSchema } from '../../src/agent/telemetry/stats/schema.ts';
import { Sampler } from '../../src/agent/telemetry/samples/sampler.ts';
import { config, det, frameResult, ManualClock, quadrantFrame } from './helpers.ts';

test('an empty samples section gets every default; the stats interval defaults to 10 s', () => {
  assert.deepEqual(samplesConfigSchema.parse({}), {
    enabled: true,
    uncertainLow: 0.25,
    uncertainHigh: 0.6,
    auditRate: 0.01,
    minIntervalS: 10,
    bytesPerHour: 2_000_000,
    maxLongSide: 640,
    jpegQuality: 80,
  });
  assert.equal(statsIntervalSchema.parse(undefined), 10);
  assert.equal(statsIntervalSchema.safeParse(0).success, false);
  // Every field is documented (the generated config table reads these).
  for (const [name, field] of Object.entries(samplesConfigSchema.shape)) assert.ok((field.description ?? '') !== '', name);
});

test('bad values name the field at fault', () => {
  const paths = (input: unknown): string[] => {
    const r = samplesConfigSchema.safeParse(input);
    return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
  };
  assert.deepEqual(paths({ uncertainLow: 0.7, uncertainHigh: 0.6 }), ['uncertainLow']);
  assert.deepEqual(paths({ auditRate: 1.5 }), ['auditRate']);
  assert.deepEqual(paths({ jpegQuality: 5 }), ['jpegQuality']);
  assert.deepEqual(paths({ bytesPerHour: 1.5 }), ['bytesPerHour']);
  assert.deepEqual(paths({ maxLongSide: 0 }), ['maxLongSide']);
  assert.deepEqual(paths({ auditrate: 0.1 }), ['']);
});

test('disabled samples take no frame and refuse a capture-sample command with a code', () => {
  const sampler = new Sampler({
    deviceId: 'pi-porch',
    config: config({ enabled: false, auditRate: 1, minIntervalS: 0 }),
    clock: new ManualClock(),
    model: () => ({ name: 'm', version: 1 }),
    publish: () => assert.fail('nothing is published'),
  });
  assert.throws(() => sampler.captureNext(), (e: unknown) => isLookoutError(e) && e.code === 'SAMPLES_DISABLED' && e.where === 'telemetry.samples.enabled');
  assert.equal(sampler.ruleFired(), undefined);
  sampler.onResult(frameResult(1, 0, [det('person', 0.4)]), quadrantFrame(64, 48));
  assert.equal(sampler.copies, 0);
  assert.deepEqual(sampler.stats.chosen, { uncertain: 0, audit: 0, rule: 0, command: 0 });
});
