/**
 * The whole system on one machine, for `lookout demo`: an embedded MQTT broker, the cloud service (SQLite,
 * dashboard on a local port) and up to three simulated agents watching different synthetic scenes. Stops in
 * reverse order: agents (outputs safe), cloud (last stats written), broker.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConsoleReporter, type ConsoleReporter } from '../agent/console-reporter.ts';
import { systemClock } from '../agent/clock.ts';
import { demoConfig } from '../agent/demo-config.ts';
import { Agent } from '../agent/main.ts';
import type { Runnable } from '../agent/run-process.ts';
import { EmbeddedBroker, type PublishedMessage } from '../agent/telemetry/embedded-broker.ts';
import { cloudConfigSchema, type CloudConfigInput } from '../cloud/config/schema.ts';
import { DEFAULT_DOMAIN } from '../agent/camera/synthetic/domain.ts';
import { writeSynthDataset } from '../dataset/synth-writer.ts';
import { generateKeyPair } from '../protocol/manifest-signature.ts';
import { CloudService, type RunningService } from '../cloud/service.ts';
import { parseConfig, processEnv } from '../config/load.ts';
import type { ConfigInput } from '../config/schema.ts';
import type { Logger } from '../log.ts';

/**
 * Three cameras, three scenes: a street by day, a yard at dusk, a parking lot under overcast sky. The first is
 * the canary of the demo's fleet: a retrained model reaches it first.
 */
const SCENES = [
  { id: 'gate-1', group: 'demo-canary', seed: 42, background: 'street', lighting: 'day' },
  { id: 'yard-2', group: 'demo', seed: 7, background: 'yard', lighting: 'day' },
  { id: 'lot-3', group: 'demo', seed: 99, background: 'parking', lighting: 'overcast' },
] as const;

/** The closed loop at demo speed: windows of tens of seconds, a short fine-tune, a short probation. */
export function demoRetrain(keyFile: string, originalData: string): CloudConfigInput['retrain'] {
  return {
    enabled: true,
    checkEveryS: 5,
    signingKey: keyFile,
    keyId: 'demo',
    fleets: [{
      group: 'demo',
      canaryGroup: 'demo-canary',
      drift: { windowS: 30, baselineS: 30, minDetections: 30, confidenceDrop: 0.1, minRateRatio: 0.5, cooldownS: 120 },
      labeller: { kind: 'synthetic-truth' },
      training: { samplesWindowS: 120, minSamples: 150, maxSamples: 400, originalShare: 0.5, epochs: 6, lr: 0.0005, threads: 1, calibImages: 50 },
      gate: { minGain: 0.02, maxOriginalLoss: 0.05, originalData },
      rollout: { probationS: 30 },
    }],
  };
}

export interface FleetDemoOptions {
  readonly agents: number;
  readonly port: number;
  readonly logger: Logger;
  /** Called for each message the broker passes on (the `--verbose` listing). */
  readonly onPublish?: (m: PublishedMessage) => void;
}

export function demoAgentConfig(scene: (typeof SCENES)[number], stateDir: string, brokerUrl: string, publicKeyFile: string): ConfigInput {
  return {
    ...demoConfig,
    device: { id: scene.id, group: scene.group },
    // 5 fps each keeps three agents and the service within two cores.
    camera: { source: 'synthetic', width: 640, height: 480, fps: 5, seed: scene.seed, background: scene.background, lighting: scene.lighting },
    stateDir,
    mqtt: { url: brokerUrl, protocol: 'auto', clientId: scene.id },
    // Samples often enough that a shifted scene yields a retraining set within a minute or two.
    telemetry: { statsIntervalS: 2, samples: { minIntervalS: 1, auditRate: 0.5, bytesPerHour: 100_000_000 } },
    update: { trustedKeys: { demo: publicKeyFile }, probationS: 15, allowInsecureHttp: true },
  };
}

export class FleetDemo implements Runnable {
  private readonly broker: EmbeddedBroker;
  private cloud: CloudService | undefined;
  private readonly agents: { agent: Agent; reporter: ConsoleReporter }[] = [];
  private readonly dir = mkdtempSync(join(tmpdir(), 'lookout-demo-'));
  private timer: ReturnType<typeof setInterval> | undefined;
  running: RunningService | undefined;

  constructor(private readonly options: FleetDemoOptions) {
    this.broker = new EmbeddedBroker({ ...(options.onPublish && { onPublish: options.onPublish }) });
  }

  async start(): Promise<void> {
    const { logger } = this.options;
    await this.broker.start();
    // A signing key made for this run only; the agents trust its public half.
    const keys = generateKeyPair('demo');
    const keyFile = join(this.dir, 'demo.key');
    const publicKeyFile = join(this.dir, 'demo.pub');
    writeFileSync(keyFile, keys.privateKeyPem, { mode: 0o600 });
    writeFileSync(publicKeyFile, keys.publicKeyPem);
    // The gate's original test set: the scenes the bundled model was made for.
    const original = await writeSynthDataset({
      out: join(this.dir, 'original-test'), count: 60, seed: 4242, width: 640, height: 480, val: 0.99, format: 'jpg', domain: { ...DEFAULT_DOMAIN },
    });
    const cloudConfig = cloudConfigSchema.parse({
      dataDir: join(this.dir, 'cloud'),
      mqtt: { url: this.broker.url, protocol: 'auto' },
      // The embedded broker speaks MQTT 3.1.1 only and knows no shared subscriptions: one replica, plain ones.
      ingest: { clientId: 'lookout-demo-cloud', shareGroup: null, batch: { maxDelayMs: 200 } },
      dashboard: { port: this.options.port, token: randomBytes(18).toString('base64url'), fleetPushMs: 1000 },
      liveness: { staleAfterS: 15 },
      retrain: demoRetrain(keyFile, original.dataYaml),
      log: { level: 'info', format: 'pretty' },
    });
    this.cloud = new CloudService({ config: cloudConfig, logger: logger.child({ module: 'cloud' }) });
    this.running = await this.cloud.start();
    for (const scene of SCENES.slice(0, this.options.agents)) {
      const config = parseConfig(demoAgentConfig(scene, join(this.dir, scene.id), this.broker.url, publicKeyFile), `(demo agent ${scene.id})`, processEnv());
      const agentLogger = logger.child({ device: scene.id });
      const reporter = createConsoleReporter(agentLogger, systemClock);
      const agent = new Agent({ config, logger: agentLogger, listeners: reporter });
      this.agents.push({ agent, reporter });
      await agent.start();
    }
    this.timer = setInterval(() => {
      for (const { agent, reporter } of this.agents) {
        const p = agent.runningPipeline;
        if (p !== undefined) reporter.summary(p);
      }
    }, 10_000);
  }

  get brokerUrl(): string {
    return this.broker.url;
  }

  safeStateSync(): void {
    for (const { agent } of this.agents) agent.safeStateSync();
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    for (const { agent } of this.agents.splice(0).reverse()) await agent.stop();
    await this.cloud?.stop();
    await this.broker.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
