/**
 * Shared pieces of the update tests: a signing key written where a device reads it, manifests for real model
 * files, a real HTTP server for the model files (RFC 9110 ranges, with injectable faults), and an agent with
 * the synthetic camera, simulated GPIO and a real mosquitto that carries the retained manifest.
 */
import { createHash } from 'node:crypto';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from '../../src/agent/main.ts';
import { parseConfig } from '../../src/config/load.ts';
import type { ConfigInput } from '../../src/config/schema.ts';
import { silentLogger, type Logger } from '../../src/log.ts';
import { generateKeyPair, signManifest, type GeneratedKeyPair } from '../../src/protocol/manifest-signature.ts';
import { deviceTopic, groupModelTopic, manifestSchema, type Manifest, type StatusPayload, type UpdatePayload } from '../../src/protocol/index.ts';
import type { SimTransition } from '../../src/agent/gpio/sim-actuator.ts';
import { Mosquitto } from '../support/mosquitto.ts';
import { Observer, waitFor } from '../link/helpers.ts';
import { fixtureModel, FIXTURE } from '../detect/helpers/fixture-models.ts';

export { waitFor };

export function tempDir(prefix = 'lookout-update-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface TestKey extends GeneratedKeyPair {
  /** The public key file, as `update.trustedKeys` names it. */
  readonly pubPath: string;
}

export function makeKey(dir: string, keyId = 'test-key'): TestKey {
  const pair = generateKeyPair(keyId);
  const pubPath = join(dir, `${keyId}.pub`);
  writeFileSync(pubPath, pair.publicKeyPem);
  return { ...pair, pubPath };
}

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** A manifest that describes `bytes` truthfully (name, sizes, labels of the fixtures), valid for an hour. */
export function manifestFor(bytes: Uint8Array, url: string, fields: Partial<Manifest> = {}): Manifest {
  const now = Date.now();
  return manifestSchema.parse({
    name: 'lookout-test',
    version: 8,
    sha256: sha256(bytes),
    size: bytes.byteLength,
    url,
    labels: [...FIXTURE.labels],
    input: { width: FIXTURE.size, height: FIXTURE.size, format: 'rgb' },
    quantization: 'float32',
    dataset: 'fixtures',
    metrics: { map50: 0.5 },
    createdAt: new Date(now - 60_000).toISOString(),
    expiresAt: new Date(now + 3_600_000).toISOString(),
    ...fields,
  });
}

export function signedJson(manifest: Manifest, key: GeneratedKeyPair): string {
  return JSON.stringify(signManifest(manifest, key.privateKeyPem, key.keyId));
}

export const readModel = (name: Parameters<typeof fixtureModel>[0]): Buffer => readFileSync(fixtureModel(name));

export interface ServedRequest {
  readonly path: string;
  readonly range: string | undefined;
  readonly status: number;
  /** Body bytes written before the response ended or was cut. */
  readonly sent: number;
}

export interface ServeFaults {
  /** The first `times` responses write `afterBytes` body bytes and then drop the connection. */
  readonly drop?: { readonly afterBytes: number; readonly times: number };
  /** Every response writes this many body bytes and then sends nothing more (the connection stays open). */
  readonly stallAfterBytes?: number;
}

/** A real HTTP file server with byte ranges (RFC 9110 §14): 200, 206 with Content-Range, 416 past the end. */
export class ModelServer {
  readonly requests: ServedRequest[] = [];
  private readonly files = new Map<string, Uint8Array>();
  private faults: ServeFaults = {};
  private drops = 0;

  private constructor(private readonly server: Server, readonly port: number) {}

  static async start(): Promise<ModelServer> {
    const held: { self?: ModelServer } = {};
    const server = createServer((req, res) => {
      held.self?.handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    held.self = new ModelServer(server, address.port);
    return held.self;
  }

  /** Serves `bytes` at `/name`; returns its URL. */
  serve(name: string, bytes: Uint8Array): string {
    this.files.set(`/${name}`, bytes);
    return `http://127.0.0.1:${this.port}/${name}`;
  }

  setFaults(faults: ServeFaults): void {
    this.faults = faults;
    this.drops = 0;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => { resolve(); }));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = req.url ?? '/';
    const range = req.headers.range;
    const file = this.files.get(path);
    const record = (status: number, sent: number): void => {
      this.requests.push({ path, range, status, sent });
    };
    if (file === undefined) {
      res.writeHead(404).end();
      record(404, 0);
      return;
    }
    let start = 0;
    let status = 200;
    const m = range === undefined ? null : /^bytes=(\d+)-$/.exec(range);
    if (m !== null) {
      start = Number(m[1]);
      if (start >= file.byteLength) {
        res.writeHead(416, { 'content-range': `bytes */${file.byteLength}` }).end();
        record(416, 0);
        return;
      }
      status = 206;
    }
    const body = file.subarray(start);
    res.writeHead(status, {
      'content-type': 'application/octet-stream',
      'content-length': String(body.byteLength),
      'accept-ranges': 'bytes',
      ...(status === 206 ? { 'content-range': `bytes ${start}-${file.byteLength - 1}/${file.byteLength}` } : {}),
    });
    const drop = this.faults.drop;
    if (drop !== undefined && this.drops < drop.times) {
      this.drops++;
      const part = body.subarray(0, Math.min(drop.afterBytes, body.byteLength));
      res.write(part, () => {
        // Cut the connection mid-body, as a broken link would.
        setTimeout(() => res.socket?.destroy(), 20);
      });
      record(status, part.byteLength);
      return;
    }
    if (this.faults.stallAfterBytes !== undefined) {
      const part = body.subarray(0, Math.min(this.faults.stallAfterBytes, body.byteLength));
      res.write(part);
      record(status, part.byteLength);
      return;
    }
    res.end(body);
    record(status, body.byteLength);
  }
}

export interface UpdateAgentOptions {
  readonly stateDir: string;
  readonly key: TestKey;
  /** The model the agent is configured with (default: the v8-names fixture, metadata version 7). */
  readonly model?: string;
  readonly rules?: ConfigInput['rules'];
  readonly update?: Record<string, unknown>;
  readonly fps?: number;
  readonly logger?: Logger;
}

/** The config of the agent under test: synthetic camera, sim relay held on by a `person` rule, `broker`. */
export function updateConfig(broker: Mosquitto, o: UpdateAgentOptions): ConfigInput {
  mkdirSync(o.stateDir, { recursive: true });
  return {
    device: { id: 'upd-1', group: 'lab' },
    stateDir: o.stateDir,
    camera: { source: 'synthetic', width: 320, height: 240, fps: o.fps ?? 10, seed: 3 },
    detector: { model: o.model ?? fixtureModel('v8-names'), threads: 1 },
    gpio: { backend: 'sim', simFile: journalPath(o.stateDir), outputs: [{ name: 'relay', line: 17 }] },
    // The fixture models see a person (score 0.9) in every frame: the rule holds the relay on throughout (a
    // hold of four frames, so only a missed detection or a reset of the rules could switch it off).
    rules: o.rules ?? [{ name: 'presence', classes: ['person'], minScore: 0.5, framesToFire: 1, holdMs: 400, maxOnMs: 3_600_000, output: 'relay' }],
    mqtt: { url: broker.url, reconnectMinMs: 50, reconnectMaxMs: 400 },
    telemetry: { statsIntervalS: 1, outbox: { flushMs: 20 } },
    update: {
      trustedKeys: { [o.key.keyId]: o.key.pubPath },
      probationS: 1.5,
      warmupFrames: 4,
      downloadTimeoutS: 5,
      allowInsecureHttp: true,
      // The fixture models infer in a fraction of a millisecond: over 1.5 s on a shared machine their p95 is
      // one scheduler hiccup, and the frame rate follows the load of whatever else runs. The tests about
      // performance set their limits themselves.
      maxLatencyRise: 20,
      maxFpsDrop: 0.6,
      ...o.update,
    },
    log: { level: 'warn', format: 'json' },
  };
}

export function updateAgent(broker: Mosquitto, o: UpdateAgentOptions): Agent {
  return new Agent({ config: parseConfig(updateConfig(broker, o)), logger: o.logger ?? silentLogger });
}

export const GROUP_TOPIC = groupModelTopic('lab');
export const UPDATE_TOPIC = deviceTopic('upd-1', 'update');
export const STATUS_TOPIC = deviceTopic('upd-1', 'status');

/** Publishes the signed manifest retained on the group's topic, as the cloud service does. */
export async function publishManifest(observer: Observer, json: string): Promise<void> {
  await observer.client.publishAsync(GROUP_TOPIC, json, { qos: 1, retain: true });
}

export function updates(observer: Observer): UpdatePayload[] {
  return observer.json(UPDATE_TOPIC) as UpdatePayload[];
}

export function lastStatus(observer: Observer): StatusPayload | undefined {
  return observer.json(STATUS_TOPIC).at(-1) as StatusPayload | undefined;
}

/** Waits for an update message in one of `states` and returns it. */
export async function waitForState(observer: Observer, states: readonly UpdatePayload['state'][], timeoutMs = 20_000): Promise<UpdatePayload> {
  let found: UpdatePayload | undefined;
  await waitFor(() => (found = updates(observer).find((u) => states.includes(u.state))) !== undefined, timeoutMs, `an update message in state ${states.join(' or ')}`);
  return found!;
}

/** The sim actuator's journal: every transition written, in order (SimTransition lines). */
export function journal(stateDir: string): SimTransition[] {
  const path = journalPath(stateDir);
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as SimTransition);
}

export const journalPath = (stateDir: string): string => join(stateDir, 'gpio.jsonl');

export interface Harness {
  readonly broker: Mosquitto;
  readonly observer: Observer;
  readonly server: ModelServer;
  readonly key: TestKey;
  readonly dir: string;
}

export async function harness(): Promise<Harness> {
  const dir = tempDir();
  const broker = await Mosquitto.start();
  const observer = await Observer.connect(broker.url, ['lookout/v1/dev/#']);
  const server = await ModelServer.start();
  return { broker, observer, server, key: makeKey(dir), dir };
}

export async function closeHarness(h: Harness, ...agents: Agent[]): Promise<void> {
  for (const agent of agents) await agent.stop();
  await h.observer.close();
  await h.server.close();
  await h.broker.dispose();
  rmSync(h.dir, { recursive: true, force: true });
}

/** The configured fixture model still runs: the agent's detector, frames flowing, status version 7, relay on. */
export async function assertOldModelRuns(h: Harness, agent: Agent, stateDir: string): Promise<void> {
  const path = fixtureModel('v8-names');
  assert.equal(agent.detectorInfo?.model.path, path);
  assert.equal(agent.runningModel?.path, path);
  const pipeline = agent.runningPipeline;
  assert.ok(pipeline !== undefined);
  const processed = pipeline.counters.processed;
  const errors = pipeline.counters.detectErrors;
  await waitFor(() => pipeline.counters.processed >= processed + 3, 5000, 'frames still processed');
  assert.equal(pipeline.counters.detectErrors, errors, 'no detection failed');
  assert.equal(lastStatus(h.observer)?.model?.version, 7);
  assert.equal(pipeline.outputs.relay, true);
  assert.equal(journal(stateDir).at(-1)?.on, true);
}

/** Waits until the relay is on (the rule holds it from the first frames). */
export async function relayOn(agent: Agent): Promise<void> {
  await waitFor(() => agent.runningPipeline?.outputs.relay === true, 10_000, 'the relay on');
}

/** Model files in stateDir/models and stateDir/models/staging. */
export function modelFiles(stateDir: string): string[] {
  const dir = join(stateDir, 'models');
  if (!existsSync(dir)) return [];
  const staging = existsSync(join(dir, 'staging')) ? readdirSync(join(dir, 'staging')).map((f) => `staging/${f}`) : [];
  return [...readdirSync(dir).filter((f) => f.endsWith('.onnx')), ...staging].sort();
}
