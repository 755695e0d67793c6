/**
 * The mqtt.js options of one connection attempt, and the TLS files they need (read once at start-up, so a
 * missing file is a config error then, not a reconnect loop later).
 */
import type { IClientOptions } from 'mqtt';
import { LookoutError, errorMessage } from '../../../errors.ts';
import type { LinkConfig } from './schema.ts';

export interface TlsMaterial {
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
}

export type ReadFileFn = (path: string) => Promise<Buffer>;

export async function loadTlsMaterial(config: LinkConfig, readFile: ReadFileFn): Promise<TlsMaterial> {
  const tls = config.tls;
  if (tls === undefined) return {};
  const read = async (field: 'ca' | 'cert' | 'key'): Promise<Buffer | undefined> => {
    const path = tls[field];
    if (path === undefined) return undefined;
    try {
      return await readFile(path);
    } catch (e) {
      throw new LookoutError('mqtt', 'TLS_FILE_UNREADABLE', `mqtt.tls.${field}: cannot read ${path}: ${errorMessage(e)}`, {
        where: path,
        cause: e,
      });
    }
  };
  const [ca, cert, key] = [await read('ca'), await read('cert'), await read('key')];
  return { ...(ca && { ca }), ...(cert && { cert }), ...(key && { key }) };
}

export interface AttemptOptions {
  readonly clientId: string;
  readonly protocolVersion: 4 | 5;
  /** Absent for clients that are not a device (the cloud service). */
  readonly will?: { readonly topic: string; readonly payload: Buffer } | undefined;
  readonly tls: TlsMaterial;
  /** A session the broker forgets on disconnect (default: a persistent one). */
  readonly clean?: boolean;
}

export function clientOptions(config: LinkConfig, attempt: AttemptOptions): IClientOptions {
  const v5 = attempt.protocolVersion === 5;
  return {
    clientId: attempt.clientId,
    protocolVersion: attempt.protocolVersion,
    // A persistent session: the broker keeps our command subscription, and commands sent while we were away,
    // across reconnects (MQTT-3.1.2-4; MQTT 5 §3.1.2.11.2: the session lasts sessionExpiryInterval).
    clean: attempt.clean ?? false,
    ...(v5 && { properties: { sessionExpiryInterval: attempt.clean === true ? 0 : config.sessionExpiryS } }),
    keepalive: config.keepaliveS,
    connectTimeout: config.connectTimeoutMs,
    // The link drives reconnects itself (backoff with jitter); mqtt.js's own period is fixed.
    reconnectPeriod: 0,
    // The outbox is the only queue: nothing is buffered by mqtt.js while offline.
    queueQoSZero: false,
    // Subscriptions are made again by the link on every connection (mqttjs/MQTT.js#895, #1288: mqtt.js's own
    // resubscribe has depended on `clean` and `sessionPresent` across versions).
    resubscribe: false,
    ...(attempt.will && { will: { topic: attempt.will.topic, payload: attempt.will.payload, qos: 1, retain: true } }),
    ...(config.username !== undefined && { username: config.username }),
    ...(config.password !== undefined && { password: config.password }),
    ...attempt.tls,
    ...(config.tls && { rejectUnauthorized: config.tls.rejectUnauthorized }),
  };
}
