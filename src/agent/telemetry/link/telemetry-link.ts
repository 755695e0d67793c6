/**
 * The agent's MQTT link. It publishes what the outbox holds (the outbox is the only queue), keeps the
 * retained `status` (with a last will) and `state` current, answers commands, and announces the device to
 * Home Assistant when asked to. Connecting, reconnecting and protocol fallback live in `Connector`.
 */
import { readFile as fsReadFile } from 'node:fs/promises';
import { connect as mqttConnect, type IConnackPacket, type IPublishPacket, type MqttClient } from 'mqtt';
import { deviceTopic, isValidId, stateSchema, type Reply, type StatePayload, type StatusPayload } from '../../../protocol/index.ts';
import { LookoutError, errorMessage } from '../../../errors.ts';
import { silentLogger, type Logger } from '../../../log.ts';
import { systemClock, type Clock } from '../../clock.ts';
import { systemTimers, type Timers } from '../../../util/timers.ts';
import { CommandDispatcher, type CommandHandlers } from './command-dispatcher.ts';
import { loadTlsMaterial, type ReadFileFn } from './connect-options.ts';
import { Connector, type ConnectFn } from './connector.ts';
import { discoveryMessages, type DiscoveryDevice } from './home-assistant.ts';
import { RateLimitedLog } from './log-limits.ts';
import { LinkCounters, type LinkMetrics } from './metrics.ts';
import type { OutboxPort } from './outbox-port.ts';
import { OutboxPump, isPublishableTopic } from './pump.ts';
import { LinkSession } from './session.ts';
import { statusMessage, willMessage, type LinkState, type StatusDetails } from './status.ts';
import type { LinkConfig } from './schema.ts';

/** A topic the link subscribes to for someone else (the group's model manifest), exact (no wildcards). */
export interface LinkSubscription {
  readonly topic: string;
  /** What the subscription is for, in the warning when the broker refuses it. */
  readonly purpose: string;
  onMessage(payload: Buffer): void;
}

export interface TelemetryLinkDeps {
  readonly config: LinkConfig;
  readonly deviceId: string;
  readonly outbox: OutboxPort;
  /** Versions, model, provider for the retained status; called on every (re)connection. */
  readonly status: () => StatusDetails;
  readonly commands?: CommandHandlers;
  readonly subscriptions?: readonly LinkSubscription[];
  /** What Home Assistant discovery announces; used when `config.homeassistant.discoveryPrefix` is set. */
  readonly discovery?: () => DiscoveryDevice;
  readonly logger?: Logger;
  readonly clock?: Clock;
  readonly timers?: Timers;
  readonly random?: () => number;
  readonly readFile?: ReadFileFn;
  readonly connect?: ConnectFn;
  /** A connection that lasted this long resets the reconnect backoff (default 10 s). */
  readonly stableMs?: number;
  /** Longest a command handler may run before its reply says FAILED (default 30 s). */
  readonly commandTimeoutMs?: number;
}

/** Waits for PUBACKs on a clean stop: in-flight records, then the `offline` status. */
const STOP_DRAIN_MS = 1000;
const STOP_PUBACK_MS = 2000;

type ConnectionListener = (connected: boolean) => void;

export class TelemetryLink {
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly timers: Timers;
  private readonly counters = new LinkCounters();
  private readonly listeners = new Set<ConnectionListener>();
  /** Wall time of the current connection's CONNECT, which is also its last will's `ts`. */
  private connectedAt: number | undefined;
  private topics = { status: '', state: '', cmd: '', reply: '' };
  private connector: Connector | undefined;
  private pump: OutboxPump | undefined;
  private dispatcher: CommandDispatcher | undefined;
  private errors: RateLimitedLog | undefined;
  private session: LinkSession | undefined;
  private state: LinkState = 'online';
  private stateReason: string | undefined;
  private lastState: Buffer | undefined;

  constructor(private readonly deps: TelemetryLinkDeps) {
    this.log = (deps.logger ?? silentLogger).child({ module: 'mqtt' });
    this.clock = deps.clock ?? systemClock;
    this.timers = deps.timers ?? systemTimers;
  }

  get connected(): boolean {
    return this.session?.open ?? false;
  }

  metrics(): LinkMetrics {
    return this.counters.snapshot();
  }

  /** Called with true on each connection and false when it ends; returns the unsubscribe function. */
  onConnectionChange(listener: ConnectionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Reads the TLS files (a missing one throws TLS_FILE_UNREADABLE) and starts connecting; does not wait for it. */
  async start(): Promise<void> {
    if (this.connector !== undefined) return;
    const { config, deviceId } = this.deps;
    if (!isValidId(deviceId)) {
      throw new LookoutError('mqtt', 'BAD_DEVICE_ID', `device id "${deviceId}" cannot be a topic level`, { where: 'device.id' });
    }
    this.topics = {
      status: deviceTopic(deviceId, 'status'),
      state: deviceTopic(deviceId, 'state'),
      cmd: deviceTopic(deviceId, 'cmd'),
      reply: deviceTopic(deviceId, 'reply'),
    };
    const tls = await loadTlsMaterial(config, this.deps.readFile ?? ((path) => fsReadFile(path)));
    this.errors = new RateLimitedLog(this.log, () => this.clock.monoMs());
    this.pump = new OutboxPump({ outbox: this.deps.outbox, counters: this.counters, log: this.errors, timers: this.timers, window: config.inflight });
    this.dispatcher = new CommandDispatcher({
      handlers: this.deps.commands ?? {},
      timers: this.timers,
      timeoutMs: this.deps.commandTimeoutMs ?? 30_000,
      wallMs: () => this.clock.wallMs(),
    });
    this.connector = new Connector({
      config,
      clientId: config.clientId ?? deviceId,
      tls,
      will: () => {
        // The attempt that succeeds is the last one made, so this is the will of the live connection.
        this.connectedAt = this.clock.wallMs();
        return { topic: this.topics.status, payload: willMessage(deviceId, this.connectedAt) };
      },
      counters: this.counters,
      logger: this.log,
      clock: this.clock,
      timers: this.timers,
      random: this.deps.random ?? Math.random,
      connect: this.deps.connect ?? mqttConnect,
      stableMs: this.deps.stableMs ?? 10_000,
      onUp: (client, connack, version) => {
        this.up(client, connack, version);
      },
      onDown: () => {
        this.down();
      },
      onMessage: (topic, payload, packet) => {
        this.message(topic, payload, packet);
      },
    });
    this.pump.start();
    this.connector.start();
  }

  /**
   * Clean stop: waits briefly for records in flight, publishes `offline` (retained) itself, then disconnects
   * (so the broker drops the will). Records still unacknowledged go back to the outbox. Safe to call twice.
   */
  async stop(): Promise<void> {
    const connector = this.connector;
    if (connector === undefined) return;
    this.connector = undefined;
    const session = this.session;
    if (session?.open) {
      await this.pump?.drain(STOP_DRAIN_MS);
      await session.publishAndWait(this.topics.status, this.statusPayload('offline', 'shutdown'), { retain: true }, STOP_PUBACK_MS);
    }
    await connector.stop();
    this.pump?.stop();
    this.pump = undefined;
  }

  /** Sets the state the retained status reports (online, or degraded with a reason) and republishes it. */
  setStatus(state: LinkState, reason?: string): void {
    this.state = state;
    this.stateReason = reason;
    this.publishStatus();
  }

  /**
   * Publishes the retained `state` (rules and outputs), or keeps it for the next connection: only the latest
   * value matters, so it never goes through the outbox. Throws BAD_STATE when it does not match the schema.
   */
  publishState(state: StatePayload): void {
    const result = stateSchema.safeParse(state);
    if (!result.success) {
      const issue = result.error.issues[0];
      throw new LookoutError('mqtt', 'BAD_STATE', `state payload: ${issue?.message ?? 'invalid'}`, { where: issue?.path.join('.') ?? '' });
    }
    this.lastState = Buffer.from(JSON.stringify(result.data));
    if (this.session?.open) this.session.publish(this.topics.state, this.lastState, { retain: true });
  }

  /** Publishes the retained status again: what `deps.status()` returns has changed (a new model). */
  refreshStatus(): void {
    this.publishStatus();
  }

  /** Publishes Home Assistant discovery again (after the rules changed, say). */
  refreshDiscovery(): void {
    if (this.session?.open) this.publishDiscovery(this.session);
  }

  private up(client: MqttClient, connack: IConnackPacket, version: 4 | 5): void {
    const session = new LinkSession(client, version, connack, this.counters, this.timers);
    this.session = session;
    const filters = [this.topics.cmd];
    const ha = this.deps.config.homeassistant;
    if (ha.discoveryPrefix !== undefined) filters.push(ha.statusTopic);
    // Subscribed on every connection, session present or not: a broker restarted without persistence has
    // forgotten the subscription even though we asked for a persistent session.
    session.subscribe(filters, (error) => {
      if (error) this.errors?.warn({ filters, err: error.message }, 'MQTT subscribe failed: commands will not arrive');
    });
    // A SUBSCRIBE of their own: a broker's ACL refusing one of these must not read as commands being refused.
    for (const sub of this.deps.subscriptions ?? []) {
      session.subscribe([sub.topic], (error) => {
        if (error) this.errors?.warn({ topic: sub.topic, err: error.message }, `MQTT subscribe failed: ${sub.purpose} will not arrive`);
      });
    }
    this.publishStatus();
    if (this.lastState) session.publish(this.topics.state, this.lastState, { retain: true });
    this.publishDiscovery(session);
    this.pump?.attach(session);
    this.notify(true);
  }

  private down(): void {
    this.session?.close();
    this.session = undefined;
    this.pump?.detach();
    this.notify(false);
  }

  private notify(connected: boolean): void {
    for (const listener of this.listeners) {
      try {
        listener(connected);
      } catch (e) {
        this.log.error({ err: errorMessage(e) }, 'connection listener threw');
      }
    }
  }

  private statusPayload(state: StatusPayload['state'], reason?: string): Buffer {
    try {
      return statusMessage(this.deps.deviceId, state, this.clock.wallMs(), this.deps.status(), reason, this.connectedAt);
    } catch (e) {
      // A bad detail (an over-long version string, say) must not cost the device its status altogether.
      this.errors?.warn({ err: errorMessage(e) }, 'status details rejected; publishing a bare status');
      return statusMessage(this.deps.deviceId, state, this.clock.wallMs(), {}, reason, this.connectedAt);
    }
  }

  private publishStatus(): void {
    const session = this.session;
    if (!session?.open) return;
    session.publish(this.topics.status, this.statusPayload(this.state, this.stateReason), { retain: true });
  }

  private publishDiscovery(session: LinkSession): void {
    const prefix = this.deps.config.homeassistant.discoveryPrefix;
    if (prefix === undefined || this.deps.discovery === undefined) return;
    try {
      for (const message of discoveryMessages(prefix, this.deps.deviceId, this.deps.discovery())) {
        session.publish(message.topic, Buffer.from(JSON.stringify(message.config)), { retain: true });
      }
    } catch (e) {
      this.errors?.warn({ err: errorMessage(e) }, 'Home Assistant discovery not published');
    }
  }

  private message(topic: string, payload: Buffer, packet: IPublishPacket): void {
    if (topic === this.topics.cmd) {
      this.command(payload, packet);
      return;
    }
    const sub = this.deps.subscriptions?.find((s) => s.topic === topic);
    if (sub !== undefined) {
      try {
        sub.onMessage(payload);
      } catch (e) {
        this.errors?.warn({ topic, err: errorMessage(e) }, 'subscription handler threw');
      }
      return;
    }
    const ha = this.deps.config.homeassistant;
    // Home Assistant's birth message: it has (re)started and reads discovery again.
    if (ha.discoveryPrefix !== undefined && topic === ha.statusTopic && payload.toString('utf8').trim() === 'online' && this.session) {
      this.publishDiscovery(this.session);
    }
  }

  private command(payload: Buffer, packet: IPublishPacket): void {
    const dispatcher = this.dispatcher;
    if (dispatcher === undefined) return;
    this.counters.commands += 1;
    const correlationData = packet.properties?.correlationData;
    const responseTopic = packet.properties?.responseTopic;
    void dispatcher
      .handle(payload)
      .then((reply) => {
        this.reply(reply, correlationData, responseTopic);
      })
      .catch((e: unknown) => {
        // Whatever went wrong while replying, an MQTT message must never take the agent down.
        this.errors?.warn({ err: errorMessage(e) }, 'command reply not sent');
      });
  }

  private reply(reply: Reply, correlationData: Buffer | undefined, responseTopic: string | undefined): void {
    if (!reply.ok) {
      this.counters.commandErrors += 1;
      this.errors?.warn({ id: reply.id, code: reply.error.code, path: reply.error.path, detail: reply.error.message }, 'command refused');
    }
    const session = this.session;
    if (!session?.open) return;
    const body = Buffer.from(JSON.stringify(reply));
    const properties = correlationData === undefined ? undefined : { correlationData };
    const options = properties === undefined ? {} : { properties };
    session.publish(this.topics.reply, body, options);
    // MQTT 5 request/response (§4.10): also answer on the requester's response topic, unless that would
    // feed a command topic (a reply loop) or is no valid topic name.
    if (responseTopic !== undefined && responseTopic !== this.topics.reply && isPublishableTopic(responseTopic) && !responseTopic.endsWith('/cmd') && !responseTopic.startsWith('$')) {
      session.publish(responseTopic, body, options);
    }
  }
}
