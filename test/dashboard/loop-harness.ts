/**
 * The closed loop as the dashboard sees it, without training anything: a retraining service reduced to what the
 * routes read (its fleets, last checks, rollouts, trigger) over a real store, and a publisher that records what it
 * would send to the broker. `retrainRoutes` (src/cloud/retrain/routes.ts) serves them as the cloud service does.
 */
import type { DriftCheck } from '../../src/cloud/retrain/drift-monitor.ts';
import type { RetrainService } from '../../src/cloud/retrain/retrain-service.ts';
import { retrainRoutes } from '../../src/cloud/retrain/routes.ts';
import type { RolloutStatus } from '../../src/cloud/rollout/rollout.ts';
import type { JobRecord, Store } from '../../src/cloud/store/store.ts';
import type { Route } from '../../src/cloud/dashboard/router.ts';
import { silentLogger } from '../../src/log.ts';

type RetrainView = Pick<RetrainService, 'fleets' | 'lastChecks' | 'rolloutStatus' | 'trigger'>;

export class LoopDouble implements RetrainView {
  fleets: string[];
  readonly lastChecks = new Map<string, DriftCheck & { at: number }>();
  readonly rollouts = new Map<string, RolloutStatus>();
  readonly triggered: { group: string; reasons: readonly string[] }[] = [];
  /** One job at a time, as the service runs them: a trigger while this is true answers undefined (409). */
  running = false;
  readonly published: { topic: string; payload: string; retain: boolean }[] = [];
  /** False: the service has no publisher (the domain route answers 404). */
  publishing = true;

  constructor(private readonly store: Store, fleets: string[], private readonly now: () => number) {
    this.fleets = fleets;
  }

  rolloutStatus(group: string): RolloutStatus | undefined {
    return this.rollouts.get(group);
  }

  async trigger(group: string, reasons: readonly string[]): Promise<JobRecord | undefined> {
    if (this.running || !this.fleets.includes(group)) return undefined;
    this.running = true;
    this.triggered.push({ group, reasons });
    return this.store.createJob({ id: `retrain-${group}-now`, kind: 'retrain', params: { group, reasons, model: { name: 'det', version: 3 } }, createdAt: this.now() });
  }

  routes(): Route[] {
    const publisher = {
      publish: (topic: string, payload: string, retain: boolean): Promise<void> => {
        this.published.push({ topic, payload, retain });
        return Promise.resolve();
      },
    };
    return retrainRoutes({
      store: this.store,
      logger: silentLogger,
      // The routes read only the members RetrainView names.
      retrain: () => this as RetrainView as RetrainService,
      publisher: () => (this.publishing ? publisher : undefined),
    });
  }
}
