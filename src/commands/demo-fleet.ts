/**
 * The whole system on one machine, for `lookout demo`: an embedded MQTT broker, the cloud service (SQLite,
 * dashboard on a local port) and up to three simulated agents watching different synthetic scenes. Stops in
 * reverse order: agents (outputs safe), cloud (last stats written), broker.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConsoleReporter, type ConsoleReporter } from '../agent/console-reporter.ts';
import { systemClock } from '../agent/clock.ts';
import { demoConfig } from '../agent/demo-config.ts';
import { Agent } from '../agent/main.ts';
import type { Runnable } from '../agent/run-process.ts';
import { EmbeddedBroker, type PublishedMessage } from '../agent/telemetry/embedded-broker.ts';
import { cloudConfigSchema } from '../cloud/config/schema.ts';
import { CloudService, type RunningService } from '../cloud/service.ts';
import { parseConfig, processEnv } from '../config/load.ts';
import type { ConfigInput } from '../config/schema.ts';
import type { Logger } from '../log.ts';

/** Three cameras, three scenes: a street by day, a yard at dusk, a parking lot under overcast sky. */
const SCENES = [
  { id: 'gate-1', seed: 42, background: 'street', lighting: 'day' },
  { id: 'yard-2', seed: 7, background: 'yard', lighting: 'dusk' },
  { id: 'lot-3', seed: 99, background: 'parking', lighting: 'overcast' },
] as const;

export interface FleetDemoOptions {
  readonly agents: number;
  readonly port: number;
  readonly logger: Logger;
  /** Called for each message the broker passes on (the `--verbose` listing). */
  readonly onPublish?: (m: PublishedMessage) => void;
}

export function demoAgentConfig(scene: (typeof SCENES)[number], stateDir: string, brokerUrl: string): ConfigInput {
  return {
    ...demoConfig,
    device: { id: scene.id, group: 'demo' },
    // 5 fps each keeps three agents and the service within two cores.
    camera: { source: 'synthetic', width: 640, height: 480, fps: 5, seed: scene.seed, background: scene.background, lighting: scene.lighting },
    stateDir,
    mqtt: { url: brokerUrl, protocol: 'auto', clientId: scene.id },
    telemetry: { statsIntervalS: 2, samples: { minIntervalS: 5 } },
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
    const cloudConfig = cloudConfigSchema.parse({
      dataDir: join(this.dir, 'cloud'),
      mqtt: { url: this.broker.url, protocol: 'auto' },
      // The embedded broker speaks MQTT 3.1.1 only and knows no shared subscriptions: one replica, plain ones.
      ingest: { clientId: 'lookout-demo-cloud', shareGroup: null, batch: { maxDelayMs: 200 } },
      dashboard: { port: this.options.port, token: randomBytes(18).toString('base64url'), fleetPushMs: 1000 },
      liveness: { staleAfterS: 15 },
      log: { level: 'info', format: 'pretty' },
    });
    this.cloud = new CloudService({ config: cloudConfig, logger: logger.child({ module: 'cloud' }) });
    this.running = await this.cloud.start();
    for (const scene of SCENES.slice(0, this.options.agents)) {
      const config = parseConfig(demoAgentConfig(scene, join(this.dir, scene.id), this.broker.url), `(demo agent ${scene.id})`, processEnv());
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
