import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { systemClock } from '../../src/agent/clock.ts';
import { SyntheticSource } from '../../src/agent/camera/synthetic-source.ts';
import { OnnxDetector, type OnnxDetectorOptions } from '../../src/agent/detect/onnx-detector.ts';
import type { Frame } from '../../src/agent/camera/frame.ts';
import type { DetectResult, DetectorInfo } from '../../src/agent/detect/types.ts';
import { outputListSchema } from '../../src/agent/gpio/schema.ts';
import { SimActuator } from '../../src/agent/gpio/sim-actuator.ts';
import { Pipeline } from '../../src/agent/pipeline.ts';
import { compileRules, parseRules } from '../../src/agent/rules/index.ts';
import { ModelStore } from '../../src/agent/update/model-store.ts';
import { ModelUpdater } from '../../src/agent/update/model-updater.ts';
import { updateConfigSchema } from '../../src/agent/update/schema.ts';
import { describeModelFile, type ManagedDetector } from '../../src/agent/update/startup-model.ts';
import { LookoutError } from '../../src/errors.ts';
import { silentLogger } from '../../src/log.ts';
import type { UpdatePayload } from '../../src/protocol/index.ts';
import { systemTimers } from '../../src/util/timers.ts';
import { fixtureModel } from '../detect/helpers/fixture-models.ts';
import { makeKey, manifestFor, ModelServer, readModel, signedJson, tempDir, waitFor } from './helpers.ts';

/**
 * The new model's worker dies on its fifth frame after the swap. A real OnnxDetector runs underneath; the
 * wrapper stops it and answers as the detector does when its worker is gone (onnx-detector.ts onGone).
 */
class DyingDetector implements ManagedDetector {
  private frames = 0;
  dead = false;
  constructor(private readonly inner: OnnxDetector, private readonly dieAfter: number) {}
  get detectorInfo(): DetectorInfo | undefined {
    return this.dead ? undefined : this.inner.detectorInfo;
  }
  start(): Promise<DetectorInfo> {
    return this.inner.start();
  }
  async detect(frame: Frame): Promise<DetectResult> {
    if (++this.frames > this.dieAfter && !this.dead) {
      this.dead = true;
      await this.inner.stop();
    }
    if (this.dead) throw new LookoutError('inference', 'WORKER_CRASHED', 'detector worker crashed: injected');
    return this.inner.detect(frame);
  }
  stop(): Promise<void> {
    return this.inner.stop();
  }
}

test('a new model whose worker crashes during probation is swapped back at once to the old detector, still warm, and rolled back with CRASHED', { timeout: 60_000 }, async () => {
  const dir = tempDir();
  const server = await ModelServer.start();
  const key = makeKey(dir);
  const base: OnnxDetectorOptions = { modelPath: fixtureModel('v8-names'), threads: 1 };
  const old = new OnnxDetector(base);
  const oldInfo = await old.start();
  const running = { model: await describeModelFile(base.modelPath, oldInfo), info: oldInfo };
  const warmupFrames = 3;
  let candidate: DyingDetector | undefined;
  const messages: UpdatePayload[] = [];
  const source = new SyntheticSource({ width: 320, height: 240, fps: 15, seed: 4 });
  const actuator = new SimActuator(outputListSchema.parse([{ name: 'relay', line: 17 }]), { clock: systemClock, logger: silentLogger });
  await actuator.start();
  const held: { pipeline?: Pipeline } = {};
  const updater = new ModelUpdater({
    config: updateConfigSchema.parse({ probationS: 3, warmupFrames, allowInsecureHttp: true, maxLatencyRise: 20 }),
    deviceId: 'rig-1',
    store: new ModelStore(join(dir, 'state'), silentLogger),
    trustedKeys: new Map([[key.keyId, createPublicKey(key.publicKeyPem)]]),
    rules: [{ name: 'presence', classes: ['person'] }],
    detectorOptions: base,
    // Warm-up frames plus five frames on probation, then the worker dies.
    createDetector: (options) => (candidate = new DyingDetector(new OnnxDetector(options), warmupFrames + 5)),
    running: () => running,
    swap: (next) => held.pipeline!.swapDetector(next),
    adopt: () => assert.fail('nothing must be committed'),
    publish: (payload) => messages.push(payload),
    clock: systemClock,
    timers: systemTimers,
    logger: silentLogger,
  });
  await updater.start();
  const pipeline = (held.pipeline = new Pipeline({
    source,
    detector: old,
    actuator,
    rules: compileRules(parseRules([{ name: 'presence', classes: ['person'], minScore: 0.5, framesToFire: 1, holdMs: 500, maxOnMs: 3_600_000, output: 'relay' }])),
    clock: systemClock,
    timers: systemTimers,
    logger: silentLogger,
    listeners: updater.listeners(),
  }));
  try {
    await pipeline.start();
    await waitFor(() => pipeline.outputs.relay === true, 10_000, 'the relay on');
    const bytes = readModel('v8-dynamic');
    updater.offer(Buffer.from(signedJson(manifestFor(bytes, server.serve('m.onnx', bytes), { version: 9 }), key)));
    await waitFor(() => messages.some((m) => ['committed', 'rolled-back', 'failed', 'rejected'].includes(m.state)), 20_000, 'the update to end');
    const end = messages.at(-1)!;
    assert.deepEqual([end.state, end.code], ['rolled-back', 'CRASHED'], end.detail);
    assert.match(end.detail ?? '', /WORKER_CRASHED|worker crashed/);
    assert.ok(messages.some((m) => m.state === 'probation'));
    // The crash ended probation at once, long before its 3 s were up.
    const probationAt = messages.find((m) => m.state === 'probation')!.ts;
    assert.ok(end.ts - probationAt < 2500, `rolled back ${end.ts - probationAt} ms into probation`);

    assert.equal(pipeline.currentDetector, old);
    assert.equal(candidate?.dead, true);
    // One frame failed on the dead worker (the one that met the crash); the old detector takes every frame since.
    const errors = pipeline.counters.detectErrors;
    assert.ok(errors >= 1 && errors <= 2, `${errors} detection errors`);
    const processed = pipeline.counters.processed;
    await waitFor(() => pipeline.counters.processed > processed + 5, 5000, 'frames on the old detector');
    assert.equal(pipeline.counters.detectErrors, errors);
    assert.equal(old.detectorInfo?.model.path, base.modelPath, 'the old detector was never stopped');
    assert.deepEqual(actuator.transitions().map((t) => t.on), [false, true], 'no blip');
    assert.equal(existsSync(join(dir, 'state', 'models', 'active.json')), false);
  } finally {
    await pipeline.stop();
    await updater.stop();
    await old.stop();
    await actuator.stop();
    await server.close();
  }
});
