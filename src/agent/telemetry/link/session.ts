/**
 * One live MQTT connection as the rest of the link sees it: publish at QoS 1 while it lasts. Once closed,
 * late callbacks from mqtt.js are dropped, so nothing acts twice on a record the link already gave back to
 * the outbox when the connection went down.
 */
import type { IClientPublishOptions, IConnackPacket, MqttClient } from 'mqtt';
import type { Timers } from '../../../util/timers.ts';
import type { LinkCounters } from './metrics.ts';

export interface PublishOptions {
  readonly retain?: boolean;
  readonly properties?: IClientPublishOptions['properties'];
}

export type PublishDone = (error: Error | undefined) => void;

// Fixed header (1) + remaining length (<= 4) + topic length (2) + packet id (2) + MQTT 5 properties length.
const PUBLISH_OVERHEAD_BYTES = 16;

export class LinkSession {
  private closed = false;
  readonly receiveMaximum: number;
  readonly maximumPacketSize: number;

  constructor(
    private readonly client: MqttClient,
    readonly protocolVersion: 4 | 5,
    connack: IConnackPacket,
    private readonly counters: LinkCounters,
    private readonly timers: Timers,
  ) {
    // MQTT 5 §3.2.2.3.3 / §3.2.2.3.6: absent means 65,535 and "no limit".
    this.receiveMaximum = connack.properties?.receiveMaximum ?? 65_535;
    this.maximumPacketSize = connack.properties?.maximumPacketSize ?? Number.POSITIVE_INFINITY;
  }

  get open(): boolean {
    return !this.closed && this.client.connected;
  }

  close(): void {
    this.closed = true;
  }

  /** Whether a PUBLISH of this size may be sent at all (MQTT-3.1.2-25: the broker would disconnect us). */
  fits(topic: string, payload: Uint8Array): boolean {
    return Buffer.byteLength(topic) + payload.byteLength + PUBLISH_OVERHEAD_BYTES <= this.maximumPacketSize;
  }

  /**
   * QoS 1. Returns false, and never calls `done`, when the connection is already gone; otherwise `done` runs
   * on PUBACK (or the error), never after `close()`.
   */
  publish(topic: string, payload: Uint8Array, options: PublishOptions, done?: PublishDone): boolean {
    if (!this.open) return false;
    this.counters.sent(topic, payload);
    const body = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
    const v5Properties = this.protocolVersion === 5 ? options.properties : undefined;
    this.client.publish(
      topic,
      body,
      { qos: 1, retain: options.retain ?? false, ...(v5Properties && { properties: v5Properties }) },
      (error) => {
        if (!this.closed) done?.(error ?? undefined);
      },
    );
    return true;
  }

  /** Resolves true on PUBACK, false on error, timeout or close. */
  publishAndWait(topic: string, payload: Uint8Array, options: PublishOptions, timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = this.timers.setTimeout(() => {
        resolve(false);
      }, timeoutMs);
      const sent = this.publish(topic, payload, options, (error) => {
        this.timers.clearTimeout(timer);
        resolve(error === undefined);
      });
      if (!sent) {
        this.timers.clearTimeout(timer);
        resolve(false);
      }
    });
  }

  subscribe(filters: readonly string[], done: (error: Error | undefined) => void): void {
    if (!this.open) return;
    this.client.subscribe([...filters], { qos: 1 }, (error, granted) => {
      if (this.closed) return;
      // SUBACK 0x80 (3.1.1) / >= 0x80 (MQTT 5): the broker refused that filter (an ACL, usually).
      const refused = granted?.filter((g) => g.qos >= 0x80).map((g) => g.topic) ?? [];
      done(error ?? (refused.length > 0 ? new Error(`subscription refused: ${refused.join(', ')}`) : undefined));
    });
  }
}
