/**
 * Gathers the figures a drift verdict needs for one fleet (its group and canary group) from the store: which
 * model version the fleet runs, where that version's baseline window lies, the per-class confidence of the
 * baseline and of the recent window, and the mAP of the recent labelled samples.
 */
import type { ClassConfidence, Store } from '../store/store.ts';
import { judgeDrift, type DriftVerdict } from './drift.ts';
import type { DriftPolicy } from './drift-policy.ts';
import { labelledMap50 } from './labelled-map.ts';

export interface FleetRef {
  readonly group: string;
  readonly canaryGroup?: string | undefined;
}

export interface ModelVersion {
  readonly name: string;
  readonly version: number;
}

export type DriftCheck =
  | { readonly kind: 'no-devices' }
  | { readonly kind: 'too-early'; readonly model: ModelVersion; readonly readyAt: number }
  | { readonly kind: 'verdict'; readonly model: ModelVersion; readonly verdict: DriftVerdict; readonly baselineFrom: number; readonly recentFrom: number };

export function fleetGroups(fleet: FleetRef): string[] {
  return fleet.canaryGroup === undefined ? [fleet.group] : [fleet.group, fleet.canaryGroup];
}

/** The version most devices of the fleet's main group report (the canary may be ahead). */
export async function deployedModel(store: Store, fleet: FleetRef, now: number): Promise<ModelVersion | undefined> {
  const devices = await store.listDevices({ group: fleet.group, limit: 10_000, offset: 0, now, staleAfterMs: Number.MAX_SAFE_INTEGER });
  const counts = new Map<string, { model: ModelVersion; n: number }>();
  for (const d of devices) {
    if (d.modelName === null || d.modelVersion === null) continue;
    const key = `${d.modelName}@${d.modelVersion}`;
    const entry = counts.get(key) ?? { model: { name: d.modelName, version: d.modelVersion }, n: 0 };
    entry.n++;
    counts.set(key, entry);
  }
  return [...counts.values()].sort((a, b) => b.n - a.n || b.model.version - a.model.version)[0]?.model;
}

function merge(parts: readonly (readonly ClassConfidence[])[]): ClassConfidence[] {
  const byLabel = new Map<string, { count: number; weighted: number; hist: number[] }>();
  for (const part of parts) {
    for (const c of part) {
      const entry = byLabel.get(c.label) ?? { count: 0, weighted: 0, hist: Array.from({ length: c.hist.length }, () => 0) };
      entry.count += c.count;
      entry.weighted += c.count * c.meanScore;
      c.hist.forEach((n, i) => { entry.hist[i] = (entry.hist[i] ?? 0) + n; });
      byLabel.set(c.label, entry);
    }
  }
  return [...byLabel].map(([label, e]) => ({ label, count: e.count, meanScore: e.count === 0 ? 0 : e.weighted / e.count, hist: e.hist }));
}

export async function checkDrift(store: Store, fleet: FleetRef, policy: DriftPolicy, now: number, model?: ModelVersion): Promise<DriftCheck> {
  const running = model ?? await deployedModel(store, fleet, now);
  if (running === undefined) return { kind: 'no-devices' };
  const groups = fleetGroups(fleet);
  const firsts = (await Promise.all(groups.map((group) => store.firstStatsTs({ group, modelName: running.name, modelVersion: running.version }))))
    .filter((t): t is number => t !== undefined);
  if (firsts.length === 0) return { kind: 'too-early', model: running, readyAt: now + (policy.baselineS + policy.windowS) * 1000 };
  const baselineFrom = Math.min(...firsts);
  const baselineTo = baselineFrom + policy.baselineS * 1000;
  const recentFrom = now - policy.windowS * 1000;
  if (recentFrom < baselineTo) return { kind: 'too-early', model: running, readyAt: baselineTo + policy.windowS * 1000 };
  const window = async (from: number, to: number): Promise<ClassConfidence[]> =>
    merge(await Promise.all(groups.map((group) => store.classConfidence({ group, modelName: running.name, modelVersion: running.version, from, to }))));
  const [baseline, recent] = await Promise.all([window(baselineFrom, baselineTo), window(recentFrom, now)]);
  const samples = (await Promise.all(groups.map((group) => store.listSamples({ group, since: recentFrom, limit: 2000 }))))
    .flat()
    .filter((s) => s.meta.model.name === running.name && s.meta.model.version === running.version);
  const verdict = judgeDrift(
    policy,
    { classes: baseline, durationMs: baselineTo - baselineFrom },
    { classes: recent, durationMs: now - recentFrom },
    labelledMap50(samples),
  );
  return { kind: 'verdict', model: running, verdict, baselineFrom, recentFrom };
}
