/**
 * The closed loop end to end, with real processes: mosquitto, the cloud service (SQLite, retraining on, the
 * trainer run as a command), and two agent processes (a canary and a fleet device) watching the synthetic
 * world with the bundled model. After a baseline, both scenes shift (night lighting, shifted appearance); the
 * test then only watches: confidence drops -> a job triggers -> the trainer fine-tunes -> the gate passes ->
 * the canary updates -> probation passes -> the fleet updates -> confidence and mAP on the shifted scene
 * recover. It prints the figures the README records.
 */
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultModelPath } from '../../src/agent/detect/runtime-paths.ts';
import { cloudConfigSchema } from '../../src/cloud/config/schema.ts';
import { labelledMap50 } from '../../src/cloud/retrain/labelled-map.ts';
import { CloudService } from '../../src/cloud/service.ts';
import type { ClassConfidence, JobRecord } from '../../src/cloud/store/store.ts';
import type { ConfigInput } from '../../src/config/schema.ts';
import { EVAL_DEFAULTS, evaluateModel } from '../../src/dataset/evaluate-model.ts';
import { writeSynthDataset } from '../../src/dataset/synth-writer.ts';
import { DEFAULT_DOMAIN } from '../../src/agent/camera/synthetic/domain.ts';
import { generateKeyPair } from '../../src/protocol/manifest-signature.ts';
import { exitOf, startAgentChild, tempDir } from '../agent/helpers.ts';
import { teardown } from '../link/helpers.ts';
import { Mosquitto } from '../support/mosquitto.ts';

const TOKEN = 'loop-token-0123456789abcdef';
const SHIFT = { lighting: 'night', appearance: 'shifted' } as const;

function agentConfig(dir: string, id: string, group: string, brokerUrl: string, publicKey: string, seed: number): ConfigInput {
  return {
    device: { id, group },
    camera: { source: 'synthetic', width: 320, height: 240, fps: 4, seed },
    detector: { model: defaultModelPath(), providers: ['cpu'], threads: 1 },
    gpio: { backend: 'sim', simFile: join(dir, 'gpio.jsonl'), outputs: [{ name: 'siren', line: 17, activeLow: true }] },
    rules: [{ name: 'person', classes: ['person'], minScore: 0.5, framesToFire: 2, holdMs: 2000, maxOnMs: 60_000, output: 'siren' }],
    stateDir: dir,
    mqtt: { url: brokerUrl, clientId: id, reconnectMinMs: 50, reconnectMaxMs: 1000 },
    // Many samples quickly: the retraining set is gathered in tens of seconds, not hours.
    telemetry: { statsIntervalS: 2, samples: { minIntervalS: 0.3, auditRate: 1, bytesPerHour: 500_000_000 } },
    // The suite runs two test files at once on two cores: inference latency swings far more than a board's would,
    // and this test is about the loop, not about the latency rollback (which has its own tests).
    update: { trustedKeys: { loop: publicKey }, probationS: 8, allowInsecureHttp: true, maxLatencyRise: 4, maxFpsDrop: 0.8 },
    log: { level: 'warn', format: 'json' },
  };
}

const meanScore = (classes: readonly ClassConfidence[]): number => {
  const n = classes.reduce((a, c) => a + c.count, 0);
  return n === 0 ? 0 : classes.reduce((a, c) => a + c.count * c.meanScore, 0) / n;
};

test('a drifted fleet is retrained, canaried and updated without a person, and recovers', { timeout: 900_000 }, async (t) => {
  const cleanup = teardown(t);
  const dir = tempDir();
  cleanup(() => { rmSync(dir, { recursive: true, force: true }); });
  const keys = generateKeyPair('loop');
  writeFileSync(join(dir, 'cloud.key'), keys.privateKeyPem, { mode: 0o600 });
  writeFileSync(join(dir, 'cloud.pub'), keys.publicKeyPem);
  // The original test set: the domain the bundled model was made for.
  const original = await writeSynthDataset({ out: join(dir, 'original'), count: 60, seed: 4242, width: 320, height: 240, val: 0.99, format: 'jpg', domain: { ...DEFAULT_DOMAIN } });
  // The shifted scene as an independent test set (other seed, never seen by the loop): the mAP figure that
  // says whether the fleet's new model is better where the fleet now is. The samples the devices send are few
  // and come from consecutive frames, too few and too alike to decide that alone.
  const shiftedTest = await writeSynthDataset({ out: join(dir, 'shifted-test'), count: 80, seed: 5151, width: 320, height: 240, val: 0.99, format: 'jpg', domain: { ...DEFAULT_DOMAIN, ...SHIFT } });

  const broker = await Mosquitto.start();
  cleanup(() => broker.stop());
  const service = new CloudService({
    config: cloudConfigSchema.parse({
      dataDir: join(dir, 'cloud'),
      mqtt: { url: broker.url, protocol: 5, reconnectMinMs: 50, reconnectMaxMs: 1000 },
      ingest: { clientId: 'cloud-loop', shareGroup: 'lookout-cloud', batch: { maxDelayMs: 20 } },
      dashboard: { port: 0, token: TOKEN },
      log: { level: 'warn' },
      retrain: {
        enabled: true, checkEveryS: 2, signingKey: join(dir, 'cloud.key'), keyId: 'loop',
        fleets: [{
          group: 'loop', canaryGroup: 'loop-canary',
          drift: { windowS: 12, baselineS: 20, minDetections: 20, confidenceDrop: 0.1, minRateRatio: 0.5, cooldownS: 20 },
          labeller: { kind: 'synthetic-truth' },
          // A short fine-tune (about 150 images, 6 epochs at a low rate), half of them from before the drift, so the
          // model learns the new scene without forgetting the old one (the gate checks both).
          training: { samplesWindowS: 60, minSamples: 100, maxSamples: 300, heldOut: 0.25, originalShare: 0.5, epochs: 6, lr: 0.0005, threads: 1, calibImages: 40, collectTimeoutS: 300 },
          gate: { minGain: 0.02, maxOriginalLoss: 0.05, originalData: original.dataYaml },
          rollout: { probationS: 12, maxConfidenceDrop: 0.5, maxFpsDrop: 0.8, maxLatencyRise: 4 },
        }],
      },
    }),
  });
  const running = await service.start();
  cleanup(() => service.stop());

  const agents = [
    { id: 'canary-1', group: 'loop-canary', seed: 11 },
    { id: 'fleet-1', group: 'loop', seed: 22 },
  ];
  for (const a of agents) {
    const agentDir = join(dir, a.id);
    mkdirSync(agentDir, { recursive: true });
    const child = startAgentChild(agentConfig(agentDir, a.id, a.group, broker.url, join(dir, 'cloud.pub'), a.seed), agentDir, 'run');
    cleanup(async () => {
      child.kill('SIGTERM');
      await exitOf(child);
    });
  }
  const store = service.store;
  const device = async (id: string) => store.getDevice(id, { now: Date.now(), staleAfterMs: 60_000 });
  const poll = async (check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  };
  await poll(async () => (await device('canary-1'))?.lastFps != null && (await device('fleet-1'))?.lastFps != null, 60_000, 'both agents reporting');

  // Baseline: the model in the world it was made for.
  await new Promise((r) => setTimeout(r, 26_000));
  assert.equal((await store.listJobs()).length, 0, 'no job while the scene is steady');

  // The world changes.
  const onset = Date.now();
  for (const a of agents) {
    const r = await fetch(`${running.url}/api/v1/devices/${a.id}/domain`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(SHIFT) });
    assert.equal(r.status, 202);
  }

  let job: JobRecord | undefined;
  await poll(async () => (job = (await store.listJobs())[0]) !== undefined, 90_000, 'a retraining job');
  const triggeredAt = Date.now();
  const reasons = (job?.params as { reasons: string[] }).reasons;
  assert.ok(reasons.length > 0);
  await poll(async () => {
    job = (await store.listJobs())[0];
    return job !== undefined && job.status !== 'queued' && job.status !== 'running';
  }, 600_000, 'the job to end');
  const log = (await store.jobLog(job!.id)).map((l) => l.line).join('\n');
  assert.equal(job!.status, 'succeeded', `job ${job!.status}: ${job!.error ?? ''}\n${log}`);
  const gate = (job!.result as { gate: { current: { heldOut: number; original: number }; candidate: { heldOut: number; original: number } } }).gate;
  const trainedAt = Date.now();

  const runs = async (id: string, version: number): Promise<boolean> => (await device(id))?.modelVersion === version;
  await poll(() => runs('canary-1', 2), 180_000, 'the canary to run v2');
  const canaryAt = Date.now();
  assert.equal((await device('fleet-1'))?.modelVersion, 1, 'the fleet waits for the canary\'s probation');
  await poll(() => runs('fleet-1', 2), 180_000, 'the fleet to run v2');
  const fleetAt = Date.now();

  // Recovery on the shifted scene: v2's confidence and labelled mAP against v1's after the shift.
  await new Promise((r) => setTimeout(r, 12_000));
  const now = Date.now();
  const conf = async (version: number, from: number, to: number): Promise<number> =>
    meanScore(await store.classConfidence({ modelName: 'lookout-int8', modelVersion: version, from, to }));
  // v1 on the shifted scene: from just after the shift until the devices left it; v2: since the canary got it.
  const shifted = onset + 4000;
  const v1Shifted = await conf(1, shifted, fleetAt);
  const v2Shifted = await conf(2, canaryAt, now);
  const samples = await store.listSamples({ since: shifted, limit: 5000 });
  const mapOf = (version: number, from: number, to: number): number =>
    labelledMap50(samples.filter((s) => s.meta.model.version === version && s.meta.ts >= from && s.meta.ts < to))?.map50 ?? 0;
  const v1Map = mapOf(1, shifted, fleetAt);
  const v2Map = mapOf(2, canaryAt, now);
  const testMap = async (model: string): Promise<number> =>
    (await evaluateModel({ modelPath: model, ...EVAL_DEFAULTS, providers: ['cpu'], threads: 1 }, shiftedTest.dataYaml, 'val')).map50;
  const v1Test = await testMap(defaultModelPath());
  const v2Test = await testMap(join(dir, 'cloud', 'models', 'lookout-int8-2.onnx'));
  const line = `closed loop: held-out mAP50 ${gate.current.heldOut.toFixed(3)} -> ${gate.candidate.heldOut.toFixed(3)}, original ${gate.current.original.toFixed(3)} -> ${gate.candidate.original.toFixed(3)}; ` +
    `shifted test set mAP50 ${v1Test.toFixed(3)} -> ${v2Test.toFixed(3)}; ` +
    `fleet on the shifted scene: mean confidence ${v1Shifted.toFixed(3)} -> ${v2Shifted.toFixed(3)}, sample mAP50 ${v1Map.toFixed(3)} -> ${v2Map.toFixed(3)}; ` +
    `drift onset -> job ${((triggeredAt - onset) / 1000).toFixed(0)} s, -> model trained ${((trainedAt - onset) / 1000).toFixed(0)} s, ` +
    `-> canary ${((canaryAt - onset) / 1000).toFixed(0)} s, -> fleet updated ${((fleetAt - onset) / 1000).toFixed(0)} s`;
  t.diagnostic(line);
  process.stdout.write(`${line}\n`);
  assert.ok(v2Shifted > v1Shifted, line);
  assert.ok(v2Test > v1Test, line);
});
