/**
 * Keeps one MQTT connection up: a fresh mqtt.js client per attempt (so no state of a dead connection leaks
 * into the next), reconnects with exponential backoff and jitter after any failure (CONNACK refusals
 * included: bad credentials are retried at the slowest pace), and falls back from MQTT 5 to 3.1.1 when the
 * broker refuses version 5 (for the rest of this link's life: brokers are not upgraded under a running agent).
 */
import type { IClientOptions, IConnackPacket, IPublishPacket, MqttClient } from 'mqtt';
import type { Clock } from '../../clock.ts';
import type { Timers, TimerHandle } from '../../../util/timers.ts';
import type { Logger } from '../../../log.ts';
import { errorMessage } from '../../../errors.ts';
import { reconnectDelay } from './backoff.ts';
import { clientOptions, type TlsMaterial } from './connect-options.ts';
import { classifyFailure } from './connection-failure.ts';
import { OncePerReason } from './log-limits.ts';
import type { LinkCounters } from './metrics.ts';
import type { LinkConfig } from './schema.ts';

export type ConnectFn = (url: string, options: IClientOptions) => MqttClient;

export interface ConnectorDeps {
  readonly config: LinkConfig;
  readonly clientId: string;
  readonly tls: TlsMaterial;
  /** The last will of the next attempt (its timestamp is taken at each CONNECT). */
  readonly will?: () => { topic: string; payload: Buffer };
  /** A session the broker forgets on disconnect (default: a persistent one). */
  readonly clean?: boolean;
  readonly counters: LinkCounters;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly random: () => number;
  readonly connect: ConnectFn;
  /** A connection that lasted this long resets the backoff; a broker that drops us at once does not. */
  readonly stableMs: number;
  readonly onUp: (client: MqttClient, connack: IConnackPacket, protocolVersion: 4 | 5) => void;
  readonly onDown: () => void;
  readonly onMessage?: (topic: string, payload: Buffer, packet: IPublishPacket) => void;
  /**
   * Handles a PUBLISH before it is acknowledged: mqtt.js sends the PUBACK, and reads the next packet, only
   * when the promise settles (its `handleMessage` hook), so a message is acknowledged once it is stored. A
   * rejection closes the connection without the PUBACK (the broker sends the message again).
   */
  readonly handleMessage?: (topic: string, payload: Buffer, packet: IPublishPacket) => Promise<void>;
}

// Retrying "not authorized" every second helps nobody: go straight to the slowest pace.
const SLOWEST = 64;

export class Connector {
  private client: MqttClient | undefined;
  private up = false;
  private upSince = 0;
  private failures = 0;
  private fellBack = false;
  private timer: TimerHandle | undefined;
  private running = false;
  private readonly reasons: OncePerReason;

  constructor(private readonly deps: ConnectorDeps) {
    this.reasons = new OncePerReason(deps.logger);
  }

  /** The MQTT version of the next (or current) attempt. */
  get protocolVersion(): 4 | 5 {
    const wanted = this.deps.config.protocol;
    if (wanted === 'auto') return this.fellBack ? 4 : 5;
    return wanted;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.attempt();
  }

  /** Ends the connection: DISCONNECT when up (the broker then discards the will, MQTT-3.14.4-3). */
  async stop(graceMs = 2000): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.timer !== undefined) this.deps.timers.clearTimeout(this.timer);
    this.timer = undefined;
    const client = this.client;
    this.client = undefined;
    const wasUp = this.up;
    if (wasUp) this.wentDown();
    if (client === undefined) return;
    if (!wasUp) {
      client.end(true);
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = this.deps.timers.setTimeout(() => {
        client.end(true);
        resolve();
      }, graceMs);
      client.end(false, {}, () => {
        this.deps.timers.clearTimeout(timer);
        resolve();
      });
    });
  }

  private attempt(): void {
    this.timer = undefined;
    if (!this.running) return;
    const version = this.protocolVersion;
    const options = clientOptions(this.deps.config, {
      clientId: this.deps.clientId,
      protocolVersion: version,
      will: this.deps.will?.(),
      tls: this.deps.tls,
      ...(this.deps.clean !== undefined && { clean: this.deps.clean }),
    });
    let client: MqttClient;
    try {
      client = this.deps.connect(this.deps.config.url, options);
    } catch (e) {
      this.failed(e, version);
      return;
    }
    this.client = client;
    const handle = this.deps.handleMessage;
    if (handle !== undefined) {
      client.handleMessage = (packet, callback) => {
        if (client !== this.client) return;
        handle(packet.topic, packet.payload as Buffer, packet).then(() => {
          if (client === this.client) callback();
        }, (e: unknown) => {
          if (client === this.client) callback(e instanceof Error ? e : new Error(String(e)));
        });
      };
    }
    let lastError: unknown;
    let closed = false;
    client.on('error', (e) => {
      lastError = e;
    });
    client.on('disconnect', (packet) => {
      // MQTT 5 §3.14: the broker says why it is closing (session taken over, server shutting down, ...).
      lastError = Object.assign(new Error(`broker sent DISCONNECT (reason code ${packet.reasonCode ?? 0})`), { code: packet.reasonCode ?? 0 });
    });
    client.on('connect', (connack) => {
      if (client !== this.client) return;
      this.up = true;
      this.upSince = this.deps.clock.monoMs();
      this.reasons.reset();
      this.deps.counters.connected = true;
      this.deps.counters.connects += 1;
      this.deps.counters.protocolVersion = version;
      this.deps.logger.info({ url: this.deps.config.url, protocolVersion: version, sessionPresent: connack.sessionPresent }, 'MQTT connected');
      this.deps.onUp(client, connack, version);
    });
    client.on('message', (topic, payload, packet) => {
      if (client !== this.client || !this.up) return;
      try {
        this.deps.onMessage?.(topic, payload, packet);
      } catch (e) {
        // A bug in handling one message must not unwind into mqtt.js's parser and cost the connection.
        this.deps.logger.error({ topic, err: errorMessage(e) }, 'MQTT message handler threw');
      }
    });
    client.on('close', () => {
      if (closed) return;
      closed = true;
      this.closed(client, lastError, version);
    });
  }

  private closed(client: MqttClient, lastError: unknown, version: 4 | 5): void {
    if (client !== this.client) return;
    this.client = undefined;
    // Releases mqtt.js's timers and stores; this client is never used again.
    client.end(true);
    if (!this.running) return;
    if (!this.up) {
      this.failed(lastError ?? new Error('connection closed before CONNACK'), version);
      return;
    }
    const lived = this.deps.clock.monoMs() - this.upSince;
    if (lived >= this.deps.stableMs) this.failures = 0;
    this.wentDown();
    const failure = classifyFailure(lastError ?? new Error('connection closed'));
    this.deps.logger.warn({ reason: failure.reason, connectedMs: Math.round(lived) }, 'MQTT connection lost');
    this.schedule(failure.kind === 'auth');
  }

  private failed(error: unknown, version: 4 | 5): void {
    this.deps.counters.connectFailures += 1;
    const failure = classifyFailure(error);
    if (failure.kind === 'protocol' && version === 5 && this.deps.config.protocol === 'auto') {
      this.fellBack = true;
      this.deps.logger.info({ url: this.deps.config.url }, 'broker refused MQTT 5; using MQTT 3.1.1');
      this.timer = this.deps.timers.setTimeout(() => {
        this.attempt();
      }, 0);
      return;
    }
    this.reasons.warn(failure.reason, { url: this.deps.config.url, kind: failure.kind, detail: errorMessage(error) }, 'MQTT connection failed; retrying with backoff');
    this.schedule(failure.kind === 'auth');
  }

  private wentDown(): void {
    this.up = false;
    this.deps.counters.connected = false;
    this.deps.onDown();
  }

  private schedule(slow: boolean): void {
    this.failures += 1;
    const limits = { minMs: this.deps.config.reconnectMinMs, maxMs: this.deps.config.reconnectMaxMs };
    const delay = reconnectDelay(slow ? SLOWEST : this.failures, limits, this.deps.random);
    this.deps.logger.debug({ delayMs: delay, failures: this.failures }, 'MQTT reconnect scheduled');
    this.timer = this.deps.timers.setTimeout(() => {
      this.attempt();
    }, delay);
  }
}
