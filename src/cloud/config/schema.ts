/**
 * The cloud service's config (`lookout cloud --config cloud.yaml`). Defaults serve a small fleet from one
 * machine: SQLite and sample files under `dataDir`, one replica, a broker on localhost. A large fleet sets
 * `store.kind: postgres`, a clustered MQTT 5 broker, and runs several replicas with distinct `ingest.clientId`
 * and one `ingest.shareGroup` (docs/scaling.md).
 */
import { hostname } from 'node:os';
import { z } from 'zod';
import { linkConfigSchema } from '../../agent/telemetry/link/schema.ts';
import { logSchema } from '../../config/schema.ts';
import { ID_PATTERN } from '../../protocol/index.ts';
import { retrainSchema } from '../retrain/fleet-schema.ts';

const storeSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('sqlite'),
      path: z.string().min(1).optional().describe('Database file; default: <dataDir>/cloud.db'),
    }),
    z.strictObject({
      kind: z.literal('postgres'),
      url: z.string().regex(/^postgres(ql)?:\/\//, 'a postgres:// connection URL').describe('postgres://user:password@host:5432/db (prefer LOOKOUT_CLOUD_STORE__URL)'),
      poolSize: z.number().int().min(1).max(100).default(10).describe('Connections per replica'),
    }),
  ])
  .describe('Where fleet telemetry is kept: sqlite (one machine) or postgres (a fleet, several replicas)');

const clientId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, "_", "." or "-"');

export const cloudConfigSchema = z.strictObject({
  dataDir: z.string().min(1).default('/var/lib/lookout-cloud').describe('Writable folder: SQLite file, sample JPEGs, generated dashboard token'),
  mqtt: linkConfigSchema.prefault({ url: 'mqtt://127.0.0.1:1883' }).describe('The broker the fleet publishes to'),
  ingest: z
    .strictObject({
      clientId: clientId.default(`lookout-cloud-${hostname().replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 40)}`).describe('MQTT client id of this replica: unique per replica, stable across restarts'),
      shareGroup: z
        .union([z.string().regex(ID_PATTERN), z.null()])
        .default('lookout-cloud')
        .describe('MQTT 5 share group the replicas split the traffic in; null: plain subscriptions (a broker without shared subscriptions, one replica)'),
      batch: z
        .strictObject({
          maxRows: z.number().int().min(1).max(10_000).default(500).describe('Stats rows per store transaction'),
          maxDelayMs: z.number().int().min(1).max(10_000).default(50).describe('Longest a stats row waits for its batch'),
        })
        .prefault({}),
    })
    .prefault({})
    .describe('Telemetry intake'),
  store: storeSchema.prefault({ kind: 'sqlite' }),
  samples: z
    .strictObject({
      dir: z.string().min(1).optional().describe('Folder for sample JPEGs; default: <dataDir>/samples. Mount object storage here for a fleet'),
    })
    .prefault({}),
  dashboard: z
    .strictObject({
      host: z.string().min(1).default('127.0.0.1').describe('Address the dashboard listens on (0.0.0.0: every interface; put TLS in front)'),
      port: z.number().int().min(0).max(65_535).default(8080).describe('Port; 0 picks a free one'),
      token: z.string().min(16).optional().describe('Access token (16+ characters; prefer LOOKOUT_CLOUD_DASHBOARD__TOKEN); default: generated once into <dataDir>/dashboard-token'),
      fleetPushMs: z.number().int().min(250).max(60_000).default(2000).describe('How often open fleet pages get a fresh table'),
    })
    .prefault({}),
  liveness: z
    .strictObject({
      staleAfterS: z.number().min(1).default(90).describe("A device silent this long is shown stale (keep it above the agents' telemetry.statsIntervalS)"),
    })
    .prefault({}),
  retention: z
    .strictObject({
      statsDays: z.number().positive().default(30).describe('Stats rows older than this (by receive time) are deleted'),
      eventsDays: z.number().positive().default(90).describe('Events older than this are deleted'),
      everyMinutes: z.number().positive().default(60).describe('How often retention runs'),
    })
    .prefault({}),
  retrain: retrainSchema,
  log: logSchema,
});

export type CloudConfig = z.infer<typeof cloudConfigSchema>;
export type CloudConfigInput = z.input<typeof cloudConfigSchema>;
