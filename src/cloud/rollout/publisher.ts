/**
 * The cloud's own MQTT publisher: retained desired-model manifests for groups and commands to devices. A
 * connection of its own (clean session); a publish waits for the connection and for the broker's PUBACK.
 */
import type { MqttClient } from 'mqtt';
import type { Connector, ConnectFn } from '../../agent/telemetry/link/connector.ts';
import type { LinkConfig } from '../../agent/telemetry/link/schema.ts';
import type { Logger } from '../../log.ts';
import { startCloudConnection } from '../cloud-connection.ts';

export class CloudPublisher {
  private connector: Connector | undefined;
  private client: MqttClient | undefined;
  private waiters: ((client: MqttClient) => void)[] = [];

  constructor(private readonly options: { mqtt: LinkConfig; clientId: string; logger?: Logger; connect?: ConnectFn }) {}

  async start(): Promise<void> {
    if (this.connector !== undefined) return;
    this.connector = await startCloudConnection({
      mqtt: this.options.mqtt,
      clientId: this.options.clientId,
      clean: true,
      ...(this.options.logger && { logger: this.options.logger }),
      ...(this.options.connect && { connect: this.options.connect }),
      onUp: (client) => {
        this.client = client;
        for (const resolve of this.waiters.splice(0)) resolve(client);
      },
      onDown: () => {
        this.client = undefined;
      },
    });
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
