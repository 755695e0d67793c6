/**
 * The live feed over MQTT: a connection of its own (clean session, nothing queued while away), subscribed to
 * `lookout/v1/dev/<id>/{stats,events,status}` for each watched device only, reference-counted across
 * watchers. Payloads are checked with the same decoder as the ingest, so a browser never sees what the store
 * would have refused.
 */
import type { MqttClient } from 'mqtt';
import type { Connector, ConnectFn } from '../../agent/telemetry/link/connector.ts';
import { linkConfigSchema, type LinkConfig, type LinkConfigInput } from '../../agent/telemetry/link/schema.ts';
import { errorMessage } from '../../errors.ts';
import { silentLogger, type Logger } from '../../log.ts';
import { deviceTopic, isValidId, parseTopic } from '../../protocol/index.ts';
import { startCloudConnection } from '../cloud-connection.ts';
import { decodeMessage } from '../ingest/decode.ts';
import type { LiveFeed, LiveMessage } from './live-feed.ts';

const LIVE_CHANNELS = ['stats', 'events', 'status'] as const;

export interface MqttLiveFeedOptions {
  /** The broker: a full link config, or just its URL. */
  readonly mqtt?: LinkConfig;
  readonly url?: string;
  readonly clientId?: string;
  readonly logger?: Logger;
  readonly connect?: ConnectFn;
}

type Listener = (message: LiveMessage) => void;

function filtersOf(deviceId: string): string[] {
  return LIVE_CHANNELS.map((channel) => deviceTopic(deviceId, channel));
}

export class MqttLiveFeed implements LiveFeed {
  private readonly config: LinkConfig;
  private readonly logger: Logger;
  private readonly watchers = new Map<string, Set<Listener>>();
  private connector: Connector | undefined;
  private client: MqttClient | undefined;

  constructor(private readonly options: MqttLiveFeedOptions) {
    const input: LinkConfigInput | undefined = options.mqtt ?? (options.url === undefined ? undefined : { url: options.url });
    if (input === undefined) throw new RangeError('MqttLiveFeed needs mqtt or url');
    this.config = linkConfigSchema.parse(input);
    this.logger = options.logger ?? silentLogger;
  }

  async start(): Promise<void> {
    if (this.connector !== undefined) return;
    this.connector = await startCloudConnection({
      mqtt: this.config,
      clientId: this.options.clientId ?? `lookout-live-${process.pid}-${Math.random().toString(36).slice(2, 10)}`,
      clean: true,
      logger: this.logger,
      ...(this.options.connect && { connect: this.options.connect }),
      onUp: (client) => {
        this.client = client;
        const filters = [...this.watchers.keys()].flatMap(filtersOf);
        if (filters.length > 0) this.subscribe(filters);
      },
      onDown: () => {
        this.client = undefined;
      },
      onMessage: (topic, payload) => {
        this.deliver(topic, payload);
      },
    });
  }

  async stop(): Promise<void> {
    const connector = this.connector;
    this.connector = undefined;
    this.client = undefined;
    this.watchers.clear();
    await connector?.stop();
  }

  watchDevice(deviceId: string, onMessage: Listener): () => void {
    if (!isValidId(deviceId)) throw new RangeError(`invalid device id ${JSON.stringify(deviceId)}`);
    let set = this.watchers.get(deviceId);
    if (set === undefined) {
      set = new Set();
      this.watchers.set(deviceId, set);
      if (this.client !== undefined) this.subscribe(filtersOf(deviceId));
    }
    set.add(onMessage);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const current = this.watchers.get(deviceId);
      if (current === undefined) return;
      current.delete(onMessage);
      if (current.size > 0) return;
      this.watchers.delete(deviceId);
      this.client?.unsubscribe(filtersOf(deviceId));
    };
  }

  private subscribe(filters: string[]): void {
    this.client?.subscribe(filters, { qos: 0 }, (error) => {
      if (error !== null) this.logger.warn({ err: errorMessage(error), filters }, 'live feed subscription failed');
    });
  }

  private deliver(topic: string, payload: Buffer): void {
    const parsed = parseTopic(topic);
    if (parsed?.kind !== 'device') return;
    const listeners = this.watchers.get(parsed.deviceId);
    if (listeners === undefined) return;
    const decoded = decodeMessage(topic, payload);
    if (!decoded.ok) return;
    const { message } = decoded;
    if (message.channel !== 'stats' && message.channel !== 'events' && message.channel !== 'status') return;
    for (const listener of listeners) listener(message);
  }
}
