/**
 * The embedded default's broker: aedes in-process on a loopback port (MQTT 3.1.1, which is why the link must
 * also speak 3.1.1). For the demo and local trials only; production brokers are real (mosquitto, EMQX...).
 */
import { createServer, type Server } from 'node:net';
import { Aedes, type AedesPublishPacket, type Client } from 'aedes';

export interface PublishedMessage {
  readonly topic: string;
  readonly payload: Buffer;
  readonly retain: boolean;
  readonly clientId: string | null;
}

export class EmbeddedBroker {
  private broker: Aedes | undefined;
  private server: Server | undefined;
  private port = 0;

  constructor(private readonly options: { host?: string; port?: number; onPublish?: (m: PublishedMessage) => void } = {}) {}

  get url(): string {
    return `mqtt://${this.options.host ?? '127.0.0.1'}:${this.port}`;
  }

  async start(): Promise<void> {
    const broker = (this.broker = await Aedes.createBroker());
    const onPublish = this.options.onPublish;
    if (onPublish !== undefined) {
      broker.on('publish', (packet: AedesPublishPacket, client: Client | null) => {
        // Only what clients publish: aedes also publishes its own $SYS heartbeats.
        if (client === null) return;
        onPublish({ topic: packet.topic, payload: Buffer.from(packet.payload), retain: packet.retain, clientId: client.id });
      });
    }
    const server = (this.server = createServer(broker.handle));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    this.port = address !== null && typeof address === 'object' ? address.port : 0;
  }

  async stop(): Promise<void> {
    const broker = this.broker;
    const server = this.server;
    this.broker = undefined;
    this.server = undefined;
    if (broker !== undefined) await new Promise<void>((resolve) => { broker.close(() => { resolve(); }); });
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => { resolve(); }));
  }
}
