/**
 * The cloud's own MQTT publisher: retained desired-model manifests for groups and commands to devices. A
 * connection of its own (clean session); a publish waits for the connection and for the broker's PUBACK.
 */
import { connect as mqttConnect, type MqttClient } from 'mqtt';
import { readFile } from 'node:fs/promises';
import { systemClock } from '../../agent/clock.ts';
import { loadTlsMaterial } from '../../agent/telemetry/link/connect-options.ts';
import { Connector, type ConnectFn } from '../../agent/telemetry/link/connector.ts';
import { LinkCounters } from '../../agent/telemetry/link/metrics.ts';
import type { LinkConfig } from '../../agent/telemetry/link/schema.ts';
import { silentLogger, type Logger } from '../../log.ts';
import { systemTimers } from '../../util/timers.ts';

export class CloudPublisher {
  private connector: Connector | undefined;
  private client: MqttClient | undefined;
  private waiters: ((client: MqttClient) => void)[] = [];

  constructor(private readonly options: { mqtt: LinkConfig; clientId: string; logger?: Logger; connect?: ConnectFn }) {}

  async start(): Promise<void> {
    if (this.connector !== undefined) return;
    const tls = await loadTlsMaterial(this.options.mqtt, readFile);
    this.connector = new Connector({
      config: this.options.mqtt,
      clientId: this.options.clientId,
      clean: true,
      tls,
      counters: new LinkCounters(),
      logger: this.options.logger ?? silentLogger,
      clock: systemClock,
      timers: systemTimers,
      random: Math.random,
      connect: this.options.connect ?? mqttConnect,
      stableMs: 10_000,
      onUp: (client) => {
        this.client = client;
        for (const resolve of this.waiters.splice(0)) resolve(client);
      },
      onDown: () => {
        this.client = undefined;
      },
    });
    this.connector.start();
  }

  async stop(): Promise<void> {
    const connector = this.connector;
    this.connector = undefined;
    this.client = undefined;
    this.waiters = [];
    await connector?.stop();
  }

  async publish(topic: string, payload: string | Buffer, retain: boolean): Promise<void> {
    const client = this.client ?? await new Promise<MqttClient>((resolve) => this.waiters.push(resolve));
    await client.publishAsync(topic, payload, { qos: 1, retain });
  }
}
