/**
 * An MQTT connection of the cloud service (ingest, live feed, publisher): the agent's Connector (backoff with
 * jitter, MQTT 5 with a 3.1.1 fallback, TLS files read once) with the cloud's defaults: no last will, the
 * system clock and timers, its own counters.
 */
import { connect as mqttConnect } from 'mqtt';
import { readFile } from 'node:fs/promises';
import { systemClock, type Clock } from '../agent/clock.ts';
import { loadTlsMaterial } from '../agent/telemetry/link/connect-options.ts';
import { Connector, type ConnectFn, type ConnectorDeps } from '../agent/telemetry/link/connector.ts';
import { LinkCounters } from '../agent/telemetry/link/metrics.ts';
import type { LinkConfig } from '../agent/telemetry/link/schema.ts';
import { silentLogger, type Logger } from '../log.ts';
import { systemTimers, type Timers } from '../util/timers.ts';

export interface CloudConnectionOptions extends Pick<ConnectorDeps, 'onUp' | 'onDown' | 'onMessage' | 'handleMessage'> {
  readonly mqtt: LinkConfig;
  readonly clientId: string;
  /** A session the broker forgets on disconnect (live feed, publisher) or keeps (ingest). */
  readonly clean: boolean;
  readonly logger?: Logger;
  readonly counters?: LinkCounters;
  readonly clock?: Clock;
  readonly timers?: Timers;
  readonly connect?: ConnectFn;
}

/** Reads the TLS files (a missing one fails here, not in a reconnect loop) and starts connecting. */
export async function startCloudConnection(options: CloudConnectionOptions): Promise<Connector> {
  const tls = await loadTlsMaterial(options.mqtt, readFile);
  const connector = new Connector({
    config: options.mqtt,
    clientId: options.clientId,
    clean: options.clean,
    tls,
    counters: options.counters ?? new LinkCounters(),
    logger: options.logger ?? silentLogger,
    clock: options.clock ?? systemClock,
    timers: options.timers ?? systemTimers,
    random: Math.random,
    connect: options.connect ?? mqttConnect,
    stableMs: 10_000,
    onUp: options.onUp,
    onDown: options.onDown,
    ...(options.onMessage && { onMessage: options.onMessage }),
    ...(options.handleMessage && { handleMessage: options.handleMessage }),
  });
  connector.start();
  return connector;
}
