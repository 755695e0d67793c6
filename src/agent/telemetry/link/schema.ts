/**
 * The `mqtt` section of the agent's config: how the telemetry link reaches the broker. The config module
 * embeds this schema; the type is inferred from it and every default lives here.
 */
import { z } from 'zod';

const brokerUrl = z
  .string()
  .min(1)
  .refine((text) => {
    try {
      const url = new URL(text);
      return (url.protocol === 'mqtt:' || url.protocol === 'mqtts:') && url.hostname !== '';
    } catch {
      return false;
    }
  }, 'a broker URL: mqtt://host[:port] or mqtts://host[:port]')
  .describe('Broker URL: mqtt://host:1883, or mqtts://host:8883 for TLS');

const filePath = z.string().min(1);

export const linkTlsSchema = z
  .strictObject({
    ca: filePath.optional().describe('CA certificate file (PEM) that signed the broker\'s certificate; default: the system CAs'),
    cert: filePath.optional().describe('Client certificate file (PEM): the device identity for brokers that require one'),
    key: filePath.optional().describe('Private key file (PEM) of the client certificate'),
    rejectUnauthorized: z.boolean().default(true).describe('Refuse a broker whose certificate does not verify (keep true outside tests)'),
  })
  .refine((tls) => (tls.cert === undefined) === (tls.key === undefined), {
    error: 'cert and key go together: set both or neither',
    path: ['key'],
  })
  .describe('TLS for mqtts:// URLs');

export const linkConfigSchema = z
  .strictObject({
    url: brokerUrl,
    clientId: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .describe('MQTT client id; default: the device id. Must be stable: the broker keeps the session under it'),
    username: z.string().min(1).optional().describe('Broker user name'),
    password: z.string().optional().describe('Broker password (prefer the environment: LOOKOUT_MQTT__PASSWORD)'),
    tls: linkTlsSchema.optional().describe('TLS for mqtts:// URLs: CA, client certificate and key'),
    keepaliveS: z.number().int().min(5).max(65_535).default(30).describe('MQTT keep-alive (seconds): a dead connection is noticed within 1.5x this'),
    connectTimeoutMs: z.number().int().min(1000).default(10_000).describe('Give up on a connection attempt with no CONNACK after this long'),
    reconnectMinMs: z.number().int().min(10).default(1000).describe('First reconnect delay; it doubles with each failure (with jitter) ...'),
    reconnectMaxMs: z.number().int().min(10).default(60_000).describe('... up to this'),
    protocol: z
      .union([z.literal('auto'), z.literal(5), z.literal(4)])
      .default('auto')
      .describe('MQTT version: 5, 4 (3.1.1), or auto (5, and 3.1.1 when the broker refuses 5)'),
    sessionExpiryS: z
      .number()
      .int()
      .min(0)
      .max(0xffff_ffff)
      .default(3600)
      .describe('MQTT 5: how long the broker keeps the session (and commands sent meanwhile) after a disconnect'),
    inflight: z.number().int().min(1).max(1000).default(16).describe('Most outbox messages published and not yet acknowledged'),
    homeassistant: z
      .strictObject({
        discoveryPrefix: z
          .string()
          .regex(/^[^#+]+$/, 'a topic prefix without wildcards')
          .optional()
          .describe('Publish Home Assistant MQTT discovery under this prefix (usually "homeassistant"); unset: no discovery'),
        statusTopic: z
          .string()
          .regex(/^[^#+]+$/, 'a topic without wildcards')
          .default('homeassistant/status')
          .describe('Home Assistant\'s birth topic: discovery is published again when it says "online"'),
      })
      .prefault({})
      .describe('Home Assistant MQTT discovery'),
  })
  .refine((c) => c.reconnectMaxMs >= c.reconnectMinMs, { error: 'must be at least reconnectMinMs', path: ['reconnectMaxMs'] })
  .describe('The MQTT link to the broker');

export type LinkConfig = z.infer<typeof linkConfigSchema>;
export type LinkConfigInput = z.input<typeof linkConfigSchema>;
