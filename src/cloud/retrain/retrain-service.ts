/**
 * The closed loop on the cloud side: every `checkEveryS` each fleet is checked for drift; a drifted fleet
 * (outside its cooldown, with no job running) gets a retraining job; a job whose candidate passes the gate
 * starts a rollout, which is then driven to promotion or rollback. One job at a time per service: training
 * takes the machine's cores.
 */
import { copyFile, mkdir, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { basename, join } from 'node:path';
import { readOnnxModelFile } from '../../agent/detect/onnx-model-file.ts';
import { errorMessage } from '../../errors.ts';
import { silentLogger, type Logger } from '../../log.ts';
import { modelFacts } from '../rollout/model-facts.ts';
import type { SigningKey } from '../rollout/manifests.ts';
import type { CloudPublisher } from '../rollout/publisher.ts';
import { Rollout, type RolloutStatus } from '../rollout/rollout.ts';
import type { JobRecord, ModelRecord, Store } from '../store/store.ts';
import { checkDrift, deployedModel, type DriftCheck } from './drift-monitor.ts';
import type { FleetConfig, LabellerConfig, RetrainConfig } from './fleet-schema.ts';
import { ImportedLabeller } from './labellers/imported.ts';
import type { Labeller } from './labellers/labeller.ts';
import { SyntheticTruthLabeller } from './labellers/synthetic-truth.ts';
import { TeacherLabeller } from './labellers/teacher.ts';
import { runRetrainJob, type RetrainOutcome } from './retrain-job.ts';

export interface RetrainServiceDeps {
  readonly store: Store;
  readonly config: RetrainConfig;
  /** Jobs' work folders and registered models live under here. */
  readonly dataDir: string;
  readonly publisher: Pick<CloudPublisher, 'publish'>;
  readonly key: SigningKey;
  readonly publicUrl: string;
  /** The model the fleets run before any retraining. */
  readonly baseModel: string;
  readonly trainerCwd: string;
  /** The trainer's environment (PATH to python3 and node, proxies). */
  readonly trainerEnv: NodeJS.ProcessEnv;
  readonly logger?: Logger;
  readonly now?: () => number;
}

interface JobParams {
  readonly group: string;
  readonly reasons: readonly string[];
  readonly model: { readonly name: string; readonly version: number };
}

export function makeLabeller(config: LabellerConfig, names: readonly string[]): Labeller {
  switch (config.kind) {
    case 'synthetic-truth':
      return new SyntheticTruthLabeller();
    case 'imported':
      return new ImportedLabeller(config.dir, names);
    case 'teacher':
      return new TeacherLabeller(config.model, config.minScore);
  }
}

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

export class RetrainService {
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly modelsDir: string;
  private timer: ReturnType<typeof setInterval> | undefined;
  private ticking: Promise<void> | undefined;
  private running: Promise<void> | undefined;
  private readonly rollouts = new Map<string, Rollout>();
  /** The last drift check of each fleet, for the dashboard. */
  readonly lastChecks = new Map<string, DriftCheck & { at: number }>();

  constructor(private readonly deps: RetrainServiceDeps) {
    this.logger = deps.logger ?? silentLogger;
    this.now = deps.now ?? Date.now;
    this.modelsDir = join(deps.dataDir, 'models');
  }

  /** The groups of the configured fleets. */
  get fleets(): string[] {
    return this.deps.config.fleets.map((f) => f.group);
  }

  get modelsFolder(): string {
    return this.modelsDir;
  }

  /** Registers the base model (so it can be served and rolled back to) and starts the periodic check. */
  async start(): Promise<void> {
    await this.registerBaseModel();
    this.timer = setInterval(() => { void this.tick(); }, this.deps.config.checkEveryS * 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking;
    await this.running;
  }

  /** One pass over the fleets (also what the timer runs); resolves when it is done, not when a job is. */
  tick(): Promise<void> {
    this.ticking ??= this.tickOnce().finally(() => { this.ticking = undefined; });
    return this.ticking;
  }

  /** Starts a job for a fleet now (the API's "retrain now"), unless one is running. */
  async trigger(group: string, reasons: readonly string[]): Promise<JobRecord | undefined> {
    const fleet = this.deps.config.fleets.find((f) => f.group === group);
    if (fleet === undefined || this.running !== undefined) return undefined;
    return this.startJob(fleet, reasons, this.now() - fleet.drift.windowS * 1000);
  }

  /** Waits for the job in progress, if any (tests). */
  async idle(): Promise<void> {
    await this.running;
  }

  rolloutStatus(group: string): RolloutStatus | undefined {
    return this.rollouts.get(group)?.current;
  }

  private async tickOnce(): Promise<void> {
    for (const fleet of this.deps.config.fleets) {
      try {
        const rollout = this.rollouts.get(fleet.group);
        if (rollout !== undefined && !rollout.done) {
          await rollout.tick();
          continue;
        }
        if (this.running !== undefined) continue;
        const now = this.now();
        const check = await checkDrift(this.deps.store, fleet, fleet.drift, now);
        this.lastChecks.set(fleet.group, { ...check, at: now });
        if (check.kind !== 'verdict' || !check.verdict.drifted) continue;
        if (await this.inCooldown(fleet, now)) continue;
        this.logger.warn({ group: fleet.group, reasons: check.verdict.reasons }, 'drift: starting a retraining job');
        await this.startJob(fleet, check.verdict.reasons, check.recentFrom);
      } catch (e) {
        this.logger.error({ group: fleet.group, err: errorMessage(e) }, 'retrain check failed');
      }
    }
  }

  private async inCooldown(fleet: FleetConfig, now: number): Promise<boolean> {
    const jobs = await this.deps.store.listJobs();
    const last = jobs.find((j) => j.kind === 'retrain' && (j.params as JobParams | null)?.group === fleet.group);
    return last !== undefined && now - last.createdAt < fleet.drift.cooldownS * 1000;
  }

  private async startJob(fleet: FleetConfig, reasons: readonly string[], driftFrom: number): Promise<JobRecord> {
    const { store } = this.deps;
    const now = this.now();
    const running = await deployedModel(store, fleet, now);
    const models = await store.listModels();
    const current = models.find((m) => m.name === running?.name && m.version === running.version)
      ?? models.filter((m) => m.name === running?.name).at(-1);
    const id = `retrain-${fleet.group}-${stamp(now)}`;
    const params: JobParams = { group: fleet.group, reasons, model: current === undefined ? { name: '?', version: 0 } : { name: current.name, version: current.version } };
    const job = await store.createJob({ id, kind: 'retrain', params, createdAt: now });
    for (const r of reasons) await store.appendJobLog(id, `drift: ${r}`, now);
    if (current === undefined) {
      await store.updateJob(id, { status: 'failed', finishedAt: now, error: `NO_MODEL: no registered model ${running === undefined ? '(no device reports one)' : `${running.name} v${running.version}`}` });
      return job;
    }
    this.running = this.runJob(id, fleet, current, driftFrom).finally(() => { this.running = undefined; });
    return job;
  }

  private async runJob(id: string, fleet: FleetConfig, current: ModelRecord, driftFrom: number): Promise<void> {
    const { store } = this.deps;
    await store.updateJob(id, { status: 'running', startedAt: this.now() });
    const nextVersion = Math.max(0, ...(await store.listModels()).filter((m) => m.name === current.name).map((m) => m.version)) + 1;
    let outcome: RetrainOutcome;
    try {
      outcome = await runRetrainJob(id, {
        store, fleet, nextVersion,
        current: { name: current.name, version: current.version, path: current.path, labels: current.labels },
        labeller: makeLabeller(fleet.labeller, current.labels),
        workDir: join(this.deps.dataDir, 'jobs', id),
        modelsDir: this.modelsDir,
        trainerCommand: this.deps.config.trainerCommand,
        trainerCwd: this.deps.trainerCwd,
        trainerEnv: this.deps.trainerEnv,
        now: this.now,
        driftFrom,
      });
    } catch (e) {
      outcome = { status: 'failed', error: errorMessage(e) };
    }
    const result = {
      ...('gate' in outcome && { gate: outcome.gate }),
      ...('dataset' in outcome && outcome.dataset !== undefined && { dataset: outcome.dataset }),
      ...(outcome.status === 'succeeded' && { model: { name: outcome.model.name, version: outcome.model.version, sha256: outcome.model.sha256, size: outcome.model.size } }),
    };
    await store.updateJob(id, {
      status: outcome.status, finishedAt: this.now(), result,
      error: outcome.status === 'failed' ? outcome.error : null,
    });
    this.logger.info({ job: id, status: outcome.status }, 'retraining job finished');
    if (outcome.status !== 'succeeded') return;
    const rollout = new Rollout({
      store, publisher: this.deps.publisher, key: this.deps.key, publicUrl: this.deps.publicUrl, now: this.now, logger: this.logger,
      onChange: async (status) => {
        await store.appendJobLog(id, `rollout ${status.phase}: ${status.reasons.join('; ')}`, this.now());
        await store.updateJob(id, { result: { ...result, rollout: status } });
      },
    }, fleet, id, outcome.model, current);
    this.rollouts.set(fleet.group, rollout);
    await rollout.begin();
  }

  /**
   * The base model as the devices name it: the file name without `.onnx`, and the `version` of its metadata
   * (0 when it has none), as the agent reports a model it was configured with.
   */
  private async registerBaseModel(): Promise<void> {
    const { store } = this.deps;
    const file = await readOnnxModelFile(this.deps.baseModel);
    const facts = await modelFacts(this.deps.baseModel);
    const name = basename(this.deps.baseModel).replace(/\.onnx$/, '');
    const parsed = Number.parseInt(file.header.metadata.get('version') ?? '', 10);
    const version = Number.isFinite(parsed) && parsed >= 0 ? parsed : 0;
    if ((await store.listModels()).some((m) => m.name === name && m.version === version)) return;
    await mkdir(this.modelsDir, { recursive: true });
    const path = join(this.modelsDir, `${name}-${version}.onnx`);
    await copyFile(this.deps.baseModel, path);
    await store.upsertModel({
      name, version, path, labels: [...facts.labels],
      sha256: createHash('sha256').update(file.bytes).digest('hex'),
      size: (await stat(path)).size,
      metrics: {},
      createdAt: this.now(),
    });
  }
}
