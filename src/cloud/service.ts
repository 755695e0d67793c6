/**
 * The cloud service's composition root: store, sample files, ingest, live feed and dashboard, wired from one
 * config. Several processes started from the same config (with distinct `ingest.clientId`) are replicas.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { processEnv } from '../config/load.ts';
import { errorMessage, LookoutError } from '../errors.ts';
import { silentLogger, type Logger } from '../log.ts';
import type { CloudConfig } from './config/schema.ts';
import { createDashboard, MIN_TOKEN_LENGTH, type Dashboard } from './dashboard/index.ts';
import type { IngestCounters } from './ingest/counters.ts';
import { Ingest } from './ingest/ingest.ts';
import { MqttLiveFeed } from './live/mqtt-live-feed.ts';
import { projectRoot, defaultModelPath } from '../agent/detect/runtime-paths.ts';
import { retrainRoutes } from './retrain/routes.ts';
import { RetrainService } from './retrain/retrain-service.ts';
import { modelFilesRoutes } from './rollout/model-files-route.ts';
import { CloudPublisher } from './rollout/publisher.ts';
import { FsBlobStore } from './store/fs-blob-store.ts';
import { PostgresStore } from './store/postgres-store.ts';
import { SqliteStore } from './store/sqlite-store.ts';
import type { Store } from './store/store.ts';

const DAY_MS = 86_400_000;

export interface CloudServiceDeps {
  readonly config: CloudConfig;
  readonly logger?: Logger;
}

export interface RunningService {
  /** The dashboard's base URL. */
  readonly url: string;
  /** A URL that logs a browser in (it carries the token: show it only to whom may have it). */
  readonly loginUrl: string;
  /** Where the token came from: the config, or the file it was generated into. */
  readonly tokenSource: string;
}

/** The configured token, or the one kept in `<dataDir>/dashboard-token` (made on first start, mode 0600). */
export async function dashboardToken(config: CloudConfig): Promise<{ token: string; source: string }> {
  if (config.dashboard.token !== undefined) return { token: config.dashboard.token, source: 'dashboard.token' };
  const file = join(config.dataDir, 'dashboard-token');
  const existing = await readFile(file, 'utf8').then((t) => t.trim(), () => undefined);
  if (existing !== undefined) {
    if (existing.length < MIN_TOKEN_LENGTH) {
      throw new LookoutError('config', 'BAD_TOKEN', `${file}: the token must have at least ${MIN_TOKEN_LENGTH} characters`, { where: file });
    }
    return { token: existing, source: file };
  }
  const token = randomBytes(24).toString('base64url');
  // `wx`: two replicas starting at once on one data folder must not overwrite each other's token.
  await writeFile(file, `${token}\n`, { mode: 0o600, flag: 'wx' }).catch((e: unknown) => {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  });
  return { token: (await readFile(file, 'utf8')).trim(), source: file };
}

async function readSigningKey(path: string | undefined): Promise<string> {
  if (path === undefined) {
    throw new LookoutError('config', 'NO_SIGNING_KEY', 'retrain.enabled needs retrain.signingKey: a private key made by `lookout keys generate`', { where: 'retrain.signingKey' });
  }
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new LookoutError('config', 'NO_SIGNING_KEY', `retrain.signingKey: cannot read ${path}: ${errorMessage(e)}`, { where: path, cause: e });
  }
}

export class CloudService {
  readonly store: Store;
  readonly ingest: Ingest;
  private readonly live: MqttLiveFeed;
  private readonly publisher: CloudPublisher;
  private retrainService: RetrainService | undefined;
  private readonly logger: Logger;
  private dashboard: Dashboard | undefined;
  private retention: ReturnType<typeof setInterval> | undefined;
  private started = false;

  constructor(private readonly deps: CloudServiceDeps) {
    const { config } = deps;
    this.logger = deps.logger ?? silentLogger;
    const blobs = new FsBlobStore(config.samples.dir ?? join(config.dataDir, 'samples'));
    this.store = config.store.kind === 'sqlite'
      ? new SqliteStore({ path: config.store.path ?? join(config.dataDir, 'cloud.db'), blobs })
      : new PostgresStore({
        connectionString: config.store.url,
        blobs,
        poolSize: config.store.poolSize,
        onConnectionError: (e) => { this.logger.warn({ err: e.message }, 'PostgreSQL connection lost; the pool replaces it'); },
      });
    this.ingest = new Ingest({
      options: { mqtt: config.mqtt, clientId: config.ingest.clientId, shareGroup: config.ingest.shareGroup, batch: config.ingest.batch },
      store: this.store,
      logger: this.logger.child({ part: 'ingest' }),
    });
    this.live = new MqttLiveFeed({ mqtt: config.mqtt, clientId: `${config.ingest.clientId}-live`, logger: this.logger.child({ part: 'live' }) });
    this.publisher = new CloudPublisher({ mqtt: config.mqtt, clientId: `${config.ingest.clientId}-pub`, logger: this.logger.child({ part: 'publisher' }) });
  }

  /** The closed loop, when `retrain.enabled`. */
  get retrain(): RetrainService | undefined {
    return this.retrainService;
  }

  counters(): IngestCounters {
    return this.ingest.counters();
  }

  async start(): Promise<RunningService> {
    if (this.started) throw new Error('CloudService started twice');
    this.started = true;
    const { config } = this.deps;
    await mkdir(config.dataDir, { recursive: true });
    const { token, source } = await dashboardToken(config);
    await this.store.open();
    await this.ingest.start();
    await this.live.start();
    await this.publisher.start();
    const retrain = config.retrain;
    const signingKey = retrain.enabled ? await readSigningKey(retrain.signingKey) : undefined;
    const modelsDir = join(config.dataDir, 'models');
    this.dashboard = createDashboard({
      routes: retrainRoutes({ store: this.store, logger: this.logger, retrain: () => this.retrainService, publisher: () => this.publisher }),
      publicRoutes: modelFilesRoutes(modelsDir),
      store: this.store,
      live: this.live,
      token,
      staleAfterMs: config.liveness.staleAfterS * 1000,
      ingestCounters: () => this.ingest.counters(),
      logger: this.logger.child({ part: 'dashboard' }),
      fleetPushMs: config.dashboard.fleetPushMs,
    });
    const url = await this.dashboard.listen(config.dashboard.port, config.dashboard.host);
    if (signingKey !== undefined) {
      this.retrainService = new RetrainService({
        store: this.store, config: retrain, dataDir: config.dataDir, publisher: this.publisher,
        key: { keyId: retrain.keyId, privateKeyPem: signingKey },
        publicUrl: retrain.publicUrl ?? url,
        baseModel: retrain.baseModel ?? defaultModelPath(),
        trainerCwd: retrain.trainerCwd ?? projectRoot(),
        trainerEnv: processEnv(),
        logger: this.logger.child({ part: 'retrain' }),
      });
      await this.retrainService.start();
    }
    this.retention = setInterval(() => { void this.applyRetention(); }, config.retention.everyMinutes * 60_000);
    this.retention.unref();
    void this.applyRetention();
    this.logger.info({ url, store: config.store.kind, shareGroup: config.ingest.shareGroup, clientId: config.ingest.clientId }, 'cloud service started');
    return { url, loginUrl: `${url}/login?token=${encodeURIComponent(token)}`, tokenSource: source };
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    if (this.retention !== undefined) clearInterval(this.retention);
    await this.retrainService?.stop();
    await this.dashboard?.close();
    await this.live.stop();
    await this.publisher.stop();
    await this.ingest.stop();
    await this.store.close();
  }

  private async applyRetention(): Promise<void> {
    const { retention } = this.deps.config;
    try {
      const removed = await this.store.applyRetention({
        now: Date.now(),
        statsOlderThanMs: retention.statsDays * DAY_MS,
        eventsOlderThanMs: retention.eventsDays * DAY_MS,
      });
      if (removed.stats + removed.events > 0) this.logger.info(removed, 'retention: old rows deleted');
    } catch (e) {
      this.logger.warn({ err: errorMessage(e) }, 'retention failed; trying again at the next period');
    }
  }
}
