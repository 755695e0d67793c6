/**
 * Moves records from the outbox to the broker: while connected and fewer than `window` are unacknowledged,
 * take the next records (the outbox orders them, alarms first) and publish them at QoS 1. PUBACK acks the
 * record; a lost connection gives every record in flight back to the outbox, to be sent again on the next
 * connection (at-least-once: events carry unique ids and the cloud deduplicates).
 */
import type { Timers, TimerHandle } from '../../../util/timers.ts';
import type { RateLimitedLog } from './log-limits.ts';
import type { LinkCounters } from './metrics.ts';
import type { OutboxPort, OutboxRecord } from './outbox-port.ts';
import type { LinkSession } from './session.ts';

// MQTT 5 §3.4.2.1 PUBACK reason codes that no retry can change: the record is dropped and counted.
const PERMANENT_REFUSALS = new Set([
  0x87, // Not authorized (an ACL)
  0x90, // Topic Name invalid
  0x99, // Payload format invalid
]);

/** A record refused this many times with a non-permanent code is dropped, so one bad record cannot stall the queue. */
const MAX_TRANSIENT_REFUSALS = 5;
/** Pause after a transient refusal (quota exceeded, unspecified error) before publishing again. */
const REFUSAL_HOLD_MS = 1000;

export interface PumpDeps {
  readonly outbox: OutboxPort;
  readonly counters: LinkCounters;
  readonly log: RateLimitedLog;
  readonly timers: Timers;
  /** Most records unacknowledged at once (also capped by the broker's Receive Maximum). */
  readonly window: number;
}

/** MQTT-4.7.1-1 (no wildcards in a topic name), MQTT-4.7.3-1 (not empty), MQTT-1.5.3-2 (no U+0000). */
export function isPublishableTopic(topic: string): boolean {
  return topic.length > 0 && !/[+#\u0000]/.test(topic) && Buffer.byteLength(topic) <= 65_535;
}

function reasonCode(error: Error): number | undefined {
  const code: unknown = (error as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

export class OutboxPump {
  private session: LinkSession | undefined;
  private readonly inFlight = new Set<number>();
  private readonly refusals = new Map<number, number>();
  private unsubscribe: (() => void) | undefined;
  private hold: TimerHandle | undefined;
  private filling = false;
  private draining: (() => void) | undefined;

  constructor(private readonly deps: PumpDeps) {}

  start(): void {
    this.unsubscribe ??= this.deps.outbox.on('ready', () => {
      this.fill();
    });
  }

  stop(): void {
    this.detach();
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  attach(session: LinkSession): void {
    this.detach();
    this.session = session;
    this.fill();
  }

  /** The connection is gone: records in flight go back to the outbox. */
  detach(): void {
    if (this.hold !== undefined) this.deps.timers.clearTimeout(this.hold);
    this.hold = undefined;
    this.draining?.();
    if (this.session === undefined) return;
    this.session = undefined;
    this.inFlight.clear();
    this.deps.outbox.requeueInFlight();
  }

  /** Stops taking records and waits (up to `timeoutMs`) for those in flight to be acknowledged. */
  drain(timeoutMs: number): Promise<void> {
    if (this.inFlight.size === 0 || this.session === undefined) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = (): void => {
        this.deps.timers.clearTimeout(timer);
        this.draining = undefined;
        resolve();
      };
      const timer = this.deps.timers.setTimeout(finish, timeoutMs);
      this.draining = finish;
    });
  }

  private fill(): void {
    const session = this.session;
    if (session === undefined || !session.open || this.filling || this.hold !== undefined || this.draining) return;
    const limit = Math.min(this.deps.window, session.receiveMaximum);
    this.filling = true;
    try {
      while (this.inFlight.size < limit) {
        const batch = this.deps.outbox.next(limit - this.inFlight.size);
        if (batch.length === 0) break;
        for (const [i, record] of batch.entries()) {
          if (this.send(session, record)) continue;
          // The connection went away under us: give back what was taken, and wait for the next one.
          for (const rest of batch.slice(i)) this.deps.outbox.nack(rest.id);
          return;
        }
      }
    } finally {
      this.filling = false;
    }
  }

  /** False when the session could not take it (closed); the record is then still the caller's. */
  private send(session: LinkSession, record: OutboxRecord): boolean {
    if (!isPublishableTopic(record.topic) || !session.fits(record.topic, record.payload)) {
      this.drop(record, 'not publishable: bad topic, or larger than the broker accepts');
      return true;
    }
    this.inFlight.add(record.id);
    const sent = session.publish(record.topic, record.payload, {}, (error) => {
      this.settled(session, record, error);
    });
    if (!sent) this.inFlight.delete(record.id);
    return sent;
  }

  private settled(session: LinkSession, record: OutboxRecord, error: Error | undefined): void {
    if (session !== this.session || !this.inFlight.delete(record.id)) return;
    if (error === undefined) {
      this.refusals.delete(record.id);
      this.deps.outbox.ack(record.id);
      this.deps.counters.messagesAcked += 1;
    } else {
      this.refused(record, error);
    }
    if (this.draining && this.inFlight.size === 0) this.draining();
    this.fill();
  }

  private refused(record: OutboxRecord, error: Error): void {
    const code = reasonCode(error);
    if (code === undefined) {
      // Not a PUBACK: the connection is failing, and its close will requeue the rest.
      this.deps.outbox.nack(record.id);
      return;
    }
    const count = (this.refusals.get(record.id) ?? 0) + 1;
    if (PERMANENT_REFUSALS.has(code) || count >= MAX_TRANSIENT_REFUSALS) {
      this.drop(record, `refused by the broker (reason code 0x${code.toString(16)})`);
      return;
    }
    this.refusals.set(record.id, count);
    this.deps.outbox.nack(record.id);
    this.hold = this.deps.timers.setTimeout(() => {
      this.hold = undefined;
      this.fill();
    }, REFUSAL_HOLD_MS);
  }

  private drop(record: OutboxRecord, why: string): void {
    this.refusals.delete(record.id);
    this.deps.outbox.ack(record.id);
    this.deps.counters.messagesRejected += 1;
    this.deps.log.warn({ topic: record.topic, priority: record.priority, bytes: record.payload.byteLength }, `outbox record dropped: ${why}`);
  }
}
