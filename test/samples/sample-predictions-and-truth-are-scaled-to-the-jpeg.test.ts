import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { sampleSchema, type SamplePayload } from '../../src/protocol/index.ts';
import { Sampler } from '../../src/agent/telemetry/samples/sampler.ts';
import { config, det, frameResult, ManualClock, quadrantFrame } from './helpers.ts';

test('a command sample of a 1280x720 frame carries boxes in the 640x360 JPEG\'s pixels and passes sampleSchema', async () => {
  const clock = new ManualClock();
  const sent: { payload: SamplePayload; json: string }[] = [];
  const truthAsked: number[] = [];
  let ids = 0;
  const sampler = new Sampler({
    deviceId: 'pi-porch',
    config: config(),
    clock,
    model: () => ({ name: 'lookout-int8', version: 4 }),
    publish: (payload, json) => sent.push({ payload, json }),
    seed: 1,
    newId: () => `s-${++ids}`,
    syntheticTruth: (seq) => {
      truthAsked.push(seq);
      return [{ label: 'person', box: [101, 51, 299, 249] }];
    },
    domain: () => ({ lighting: 'night', background: 'street', appearance: 'default' }),
  });

  const id = sampler.captureNext();
  // The frame was captured 40 ms before its result arrived.
  const result = frameResult(77, clock.mono - 40, [det('person', 0.93, [100, 50, 300, 250]), det('dog', 0.41, [1279, 0, 1280, 720])], { width: 1280, height: 720 });
  sampler.onResult(result, quadrantFrame(1280, 720));
  await sampler.idle();

  assert.equal(sent.length, 1);
  const { payload, json } = sent[0]!;
  assert.deepEqual(sampleSchema.parse(JSON.parse(json)), payload);
  assert.equal(payload.id, id);
  assert.equal(payload.reason, 'command');
  assert.equal(payload.ts, clock.wall - 40);
  assert.deepEqual([payload.width, payload.height], [640, 360]);
  assert.deepEqual(payload.predictions, [
    { label: 'person', score: 0.93, box: [50, 25, 150, 125] },
    { label: 'dog', score: 0.41, box: [639.5, 0, 640, 360] },
  ]);
  assert.deepEqual(truthAsked, [77]);
  assert.deepEqual(payload.syntheticTruth, [{ label: 'person', box: [50.5, 25.5, 149.5, 124.5] }]);
  assert.deepEqual(payload.domain, { lighting: 'night', background: 'street', appearance: 'default' });
  assert.deepEqual(payload.model, { name: 'lookout-int8', version: 4 });
  const meta = await sharp(Buffer.from(payload.jpeg, 'base64')).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 640, 360]);
  assert.equal(sampler.stats.published, 1);
  assert.equal(sampler.stats.publishedBytes, Buffer.byteLength(json));
  assert.equal(sampler.stats.chosen.command, 1);
});

test('a rule sample carries the id ruleFired() gave; a real camera\'s sample has no syntheticTruth', async () => {
  const clock = new ManualClock();
  const sent: SamplePayload[] = [];
  let ids = 0;
  const sampler = new Sampler({
    deviceId: 'pi-porch',
    config: config(),
    clock,
    model: () => ({ name: 'lookout-int8', version: 4 }),
    publish: (payload) => sent.push(payload),
    newId: () => `s-${++ids}`,
  });
  const id = sampler.ruleFired();
  // Two rules firing on one frame share the frame's sample.
  assert.equal(sampler.ruleFired(), id);
  sampler.onResult(frameResult(3, clock.mono, [det('person', 0.95)]), quadrantFrame(64, 48));
  await sampler.idle();
  assert.equal(sent.length, 1);
  assert.equal(sent[0]!.id, id);
  assert.equal(sent[0]!.reason, 'rule');
  assert.equal('syntheticTruth' in sent[0]!, false);
  assert.equal('domain' in sent[0]!, false);
  sampleSchema.parse(sent[0]);
});
