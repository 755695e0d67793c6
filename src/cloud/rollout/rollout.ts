/**
 * Rolls a registered model out to a fleet: the signed manifest goes (retained) to the canary group first; the
 * canary's stats under the new model are held against its stats under the previous one for a probation
 * window; then the manifest goes to the whole group, or the previous model goes back to the canary as a
 * signed rollback. A canary device that refuses or rolls back the model by itself ends the rollout at once.
 */
import { errorMessage } from '../../errors.ts';
import { silentLogger, type Logger } from '../../log.ts';
import { groupModelTopic } from '../../protocol/index.ts';
import type { FleetConfig } from '../retrain/fleet-schema.ts';
import type { ModelRecord, StatsSummary, Store } from '../store/store.ts';
import { signedManifestFor, type SigningKey } from './manifests.ts';
import type { CloudPublisher } from './publisher.ts';

export type RolloutPhase = 'canary' | 'fleet' | 'rolled-back' | 'failed';

export interface RolloutStatus {
  readonly jobId: string;
  readonly group: string;
  readonly model: { readonly name: string; readonly version: number };
  readonly previous: { readonly name: string; readonly version: number };
  readonly phase: RolloutPhase;
  readonly startedAt: number;
  readonly updatedAt: number;
  readonly reasons: readonly string[];
  readonly canary?: { readonly before?: StatsSummary; readonly after?: StatsSummary; readonly meanScoreBefore?: number; readonly meanScoreAfter?: number };
}

export interface RolloutDeps {
  readonly store: Store;
  readonly publisher: Pick<CloudPublisher, 'publish'>;
  readonly key: SigningKey;
  readonly publicUrl: string;
  readonly now: () => number;
  readonly logger?: Logger;
  /** Called on every phase change (the job record shows it). */
  readonly onChange: (status: RolloutStatus) => Promise<void>;
}

const FAILED_UPDATE_STATES = new Set(['rejected', 'rolled-back', 'failed']);

function meanScore(classes: readonly { count: number; meanScore: number }[]): number | undefined {
  const n = classes.reduce((a, c) => a + c.count, 0);
  return n === 0 ? undefined : classes.reduce((a, c) => a + c.count * c.meanScore, 0) / n;
}

export class Rollout {
  private status: RolloutStatus;
  private readonly logger: Logger;
  /** When the first canary stats under the new model arrived: probation counts from there. */
  private canaryFrom: number | undefined;

  constructor(
    private readonly deps: RolloutDeps,
    private readonly fleet: FleetConfig,
    readonly jobId: string,
    private readonly model: ModelRecord,
    private readonly previous: ModelRecord,
  ) {
    this.logger = deps.logger ?? silentLogger;
    const now = deps.now();
    this.status = {
      jobId, group: fleet.group, model: { name: model.name, version: model.version }, previous: { name: previous.name, version: previous.version },
      phase: fleet.canaryGroup === undefined ? 'fleet' : 'canary', startedAt: now, updatedAt: now, reasons: [],
    };
  }

  get current(): RolloutStatus {
    return this.status;
  }

  get done(): boolean {
    return this.status.phase !== 'canary';
  }

  async begin(): Promise<void> {
    const target = this.fleet.canaryGroup ?? this.fleet.group;
    await this.publish(target, this.model, false);
    await this.change({ reasons: [`${this.model.name} v${this.model.version} published to ${target}`] });
  }

  /** Called periodically while in the canary phase. */
  async tick(): Promise<void> {
    if (this.status.phase !== 'canary' || this.fleet.canaryGroup === undefined) return;
    const { store } = this.deps;
    const now = this.deps.now();
    const canary = this.fleet.canaryGroup;
    const rollout = this.fleet.rollout;
    const devices = await store.listDevices({ group: canary, limit: 1000, offset: 0, now, staleAfterMs: Number.MAX_SAFE_INTEGER });
    const refused = devices.filter((d) => d.update !== null && d.update.version === this.model.version && FAILED_UPDATE_STATES.has(d.update.state) && d.update.ts >= this.status.startedAt);
    if (refused.length > 0) {
      await this.rollBack(refused.map((d) => `${d.deviceId}: ${d.update?.state ?? ''} ${d.update?.code ?? ''}`.trim()));
      return;
    }
    const probation = rollout.probationS * 1000;
    const version = { group: canary, modelName: this.model.name };
    if (this.canaryFrom === undefined) {
      const first = await store.firstStatsTs({ group: canary, modelName: this.model.name, modelVersion: this.model.version });
      if (first === undefined || first < this.status.startedAt - 60_000) {
        if (now - this.status.startedAt > 3 * probation) await this.rollBack([`no canary device ran v${this.model.version} within ${3 * rollout.probationS} s`]);
        return;
      }
      this.canaryFrom = first;
    }
    if (now - this.canaryFrom < probation) return;
    const before = await store.statsSummary({ ...version, modelVersion: this.previous.version, from: this.status.startedAt - probation, to: this.status.startedAt });
    const after = await store.statsSummary({ ...version, modelVersion: this.model.version, from: this.canaryFrom, to: now });
    const scoreBefore = meanScore(await store.classConfidence({ ...version, modelVersion: this.previous.version, from: this.status.startedAt - probation, to: this.status.startedAt }));
    const scoreAfter = meanScore(await store.classConfidence({ ...version, modelVersion: this.model.version, from: this.canaryFrom, to: now }));
    const reasons: string[] = [];
    if (after === undefined) reasons.push('no canary stats under the new model');
    if (before !== undefined && after !== undefined) {
      if (after.fps < before.fps * (1 - rollout.maxFpsDrop)) reasons.push(`canary fps ${after.fps.toFixed(1)} against ${before.fps.toFixed(1)} before (more than ${rollout.maxFpsDrop * 100} % lower)`);
      if (after.inferenceP95Ms > before.inferenceP95Ms * (1 + rollout.maxLatencyRise)) reasons.push(`canary inference p95 ${after.inferenceP95Ms.toFixed(1)} ms against ${before.inferenceP95Ms.toFixed(1)} ms before`);
    }
    if (scoreBefore !== undefined && scoreAfter !== undefined && scoreAfter < scoreBefore * (1 - rollout.maxConfidenceDrop)) {
      reasons.push(`canary mean confidence ${scoreAfter.toFixed(3)} against ${scoreBefore.toFixed(3)} before`);
    }
    const canaryFigures = {
      ...(before && { before }), ...(after && { after }),
      ...(scoreBefore !== undefined && { meanScoreBefore: scoreBefore }), ...(scoreAfter !== undefined && { meanScoreAfter: scoreAfter }),
    };
    if (reasons.length > 0) {
      await this.rollBack(reasons, canaryFigures);
      return;
    }
    await this.publish(this.fleet.group, this.model, false);
    await this.change({
      phase: 'fleet',
      reasons: [`probation passed on ${after?.devices ?? 0} canary device(s) after ${rollout.probationS} s; published to ${this.fleet.group}`],
      canary: canaryFigures,
    });
  }

  private async rollBack(reasons: string[], canary?: RolloutStatus['canary']): Promise<void> {
    const target = this.fleet.canaryGroup ?? this.fleet.group;
    try {
      await this.publish(target, this.previous, true);
      await this.change({ phase: 'rolled-back', reasons: [...reasons, `${this.previous.name} v${this.previous.version} published to ${target} as a signed rollback`], ...(canary && { canary }) });
    } catch (e) {
      await this.change({ phase: 'failed', reasons: [...reasons, `rollback not published: ${errorMessage(e)}`] });
    }
  }

  private async publish(group: string, model: ModelRecord, rollback: boolean): Promise<void> {
    const signed = await signedManifestFor(model, this.deps.key, {
      publicUrl: this.deps.publicUrl, ttlS: this.fleet.rollout.manifestTtlS, rollback, now: this.deps.now(),
    });
    await this.deps.publisher.publish(groupModelTopic(group), JSON.stringify(signed), true);
    this.logger.info({ group, model: model.name, version: model.version, rollback }, 'model manifest published');
  }

  private async change(patch: Partial<RolloutStatus>): Promise<void> {
    this.status = { ...this.status, ...patch, updatedAt: this.deps.now() };
    await this.deps.onChange(this.status);
  }
}
