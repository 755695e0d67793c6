/**
 * One retraining job, start to end: gather the fleet's recent samples, label them, write the data set, run
 * the trainer (fine-tune from the current model, then the int8 export), run the gate, and register the
 * candidate when it passes. Every step goes to the job's log; the outcome (with the gate's figures) to its
 * record. Nothing here publishes a model: rollout does that with what this returns.
 */
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage } from '../../errors.ts';
import type { ModelRecord, Store, StoredSample } from '../store/store.ts';
import { buildDataset, type BuiltDataset } from './dataset-builder.ts';
import type { FleetConfig } from './fleet-schema.ts';
import { fleetGroups } from './drift-monitor.ts';
import { runGate, type GateFigures } from './gate.ts';
import type { Labeller } from './labellers/labeller.ts';
import { runTrainer } from './trainer-command.ts';

export interface CurrentModel {
  readonly name: string;
  readonly version: number;
  readonly path: string;
  readonly labels: readonly string[];
}

export interface RetrainJobDeps {
  readonly store: Store;
  readonly fleet: FleetConfig;
  readonly current: CurrentModel;
  /** The version the candidate gets. */
  readonly nextVersion: number;
  readonly labeller: Labeller;
  /** This job's folder (data set, trainer run, export). */
  readonly workDir: string;
  /** Where registered models are kept (and served from). */
  readonly modelsDir: string;
  readonly trainerCommand: readonly string[];
  readonly trainerCwd: string;
  readonly trainerEnv: NodeJS.ProcessEnv;
  readonly now: () => number;
  /** Where the drift began (the start of the window that showed it): samples after it are the new scene. */
  readonly driftFrom: number;
  /** Waits between looks for more samples (tests shorten it). */
  readonly sleep?: (ms: number) => Promise<void>;
}

const COLLECT_POLL_MS = 3000;

export type RetrainOutcome =
  | { readonly status: 'succeeded'; readonly model: ModelRecord; readonly gate: GateFigures; readonly dataset: BuiltDataset }
  | { readonly status: 'rejected'; readonly gate: GateFigures; readonly dataset: BuiltDataset }
  | { readonly status: 'failed'; readonly error: string; readonly dataset?: BuiltDataset };

/** Trainer output can run to thousands of lines; the log keeps the first ones and every epoch summary. */
const MAX_TRAINER_LINES = 400;

async function sha256File(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}

export async function runRetrainJob(jobId: string, deps: RetrainJobDeps): Promise<RetrainOutcome> {
  const { store, fleet, current } = deps;
  const log = async (line: string): Promise<void> => {
    await store.appendJobLog(jobId, line, deps.now());
  };
  let dataset: BuiltDataset | undefined;
  try {
    const t = fleet.training;
    const groups = fleetGroups(fleet);
    const list = async (options: { since?: number; before?: number; limit: number }): Promise<StoredSample[]> =>
      (await Promise.all(groups.map((group) => store.listSamples({ group, ...options })))).flat().sort((a, b) => b.meta.ts - a.meta.ts).slice(0, options.limit);
    // The new scene: samples since the drift began. A fleet that only just drifted has few; wait for them.
    const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    const deadline = deps.now() + t.collectTimeoutS * 1000;
    let fresh = await list({ since: deps.driftFrom, limit: t.maxSamples });
    if (fresh.length < t.minSamples) await log(`collecting samples of the new scene: ${fresh.length} of ${t.minSamples}`);
    while (fresh.length < t.minSamples) {
      if (deps.now() > deadline) {
        return { status: 'failed', error: `NOT_ENOUGH_SAMPLES: ${fresh.length} samples since the drift began, ${t.minSamples} needed within ${t.collectTimeoutS} s` };
      }
      await sleep(COLLECT_POLL_MS);
      fresh = await list({ since: deps.driftFrom, limit: t.maxSamples });
    }
    // The scene as it was, a share of the set: the model must not forget it (the gate checks that too).
    const originalCount = Math.round((fresh.length * t.originalShare) / (1 - t.originalShare));
    const original = originalCount === 0 ? [] : await list({ since: deps.driftFrom - t.samplesWindowS * 1000, before: deps.driftFrom, limit: originalCount });
    await log(`${fresh.length} samples since the drift began (${new Date(deps.driftFrom).toISOString()}) and ${original.length} from before it, groups ${groups.join(', ')}`);
    dataset = await buildDataset({ store, samples: fresh, original, labeller: deps.labeller, names: current.labels, dir: join(deps.workDir, 'data'), heldOut: t.heldOut });
    await log(`data set: ${dataset.train} train (${dataset.original} from before the drift) + ${dataset.val} held out, labels from ${dataset.labelSource}; ${dataset.unlabelled} without labels, ${dataset.unknownClassBoxes} boxes of unknown classes left out`);
    if (dataset.val === 0 || dataset.train === 0) {
      return { status: 'failed', error: `NOT_ENOUGH_SAMPLES: ${dataset.train} labelled training and ${dataset.val} held-out samples`, dataset };
    }
    let lines = 0;
    const onLine = (line: string): void => {
      lines++;
      if (lines <= MAX_TRAINER_LINES || /epoch \d+\/\d+ done|trained|export|wrote|best/i.test(line)) void log(line);
    };
    const run = join(deps.workDir, 'run');
    const exported = join(deps.workDir, 'export');
    await log(`fine-tuning ${current.name} v${current.version} (${current.path}): ${t.epochs} epochs, lr ${t.lr}`);
    await runTrainer({
      command: deps.trainerCommand, cwd: deps.trainerCwd, env: deps.trainerEnv, onLine,
      args: ['train', '--data', dataset.dataYaml, '--out', run, '--init', current.path, '--epochs', String(t.epochs), '--lr', String(t.lr),
        '--batch', String(t.batch), '--threads', String(t.threads), '--seed', '0', ...t.extraArgs],
    });
    await runTrainer({
      command: deps.trainerCommand, cwd: deps.trainerCwd, env: deps.trainerEnv, onLine,
      args: ['export', '--weights', join(run, 'best.pt'), '--out', exported, '--calib', dataset.dataYaml,
        '--calib-images', String(t.calibImages), '--version', String(deps.nextVersion)],
    });
    const candidatePath = join(exported, 'model.int8.onnx');
    const gate = await runGate(fleet.gate, current.path, candidatePath, dataset.dataYaml);
    await log(`gate: held-out mAP@0.5 current ${gate.current.heldOut.toFixed(3)} → candidate ${gate.candidate.heldOut.toFixed(3)}` +
      (gate.current.original === null ? '' : `; original test ${gate.current.original.toFixed(3)} → ${gate.candidate.original?.toFixed(3) ?? '-'}`) +
      `: ${gate.passed ? 'passed' : 'REJECTED'}${gate.reasons.length > 0 ? ` (${gate.reasons.join('; ')})` : ''}`);
    if (!gate.passed) return { status: 'rejected', gate, dataset };

    await mkdir(deps.modelsDir, { recursive: true });
    const file = `${current.name}-${deps.nextVersion}.onnx`;
    const path = join(deps.modelsDir, file);
    await copyFile(candidatePath, path);
    const model: ModelRecord = {
      name: current.name,
      version: deps.nextVersion,
      sha256: await sha256File(path),
      size: (await stat(path)).size,
      path,
      labels: current.labels,
      metrics: {
        heldOutMap50: gate.candidate.heldOut,
        ...(gate.candidate.original !== null && { originalMap50: gate.candidate.original }),
        previousHeldOutMap50: gate.current.heldOut,
        trainSamples: dataset.train,
        heldOutSamples: dataset.val,
      },
      createdAt: deps.now(),
    };
    await store.upsertModel(model);
    await log(`registered ${model.name} v${model.version} (${model.size} bytes, sha256 ${model.sha256.slice(0, 12)}…)`);
    return { status: 'succeeded', model, gate, dataset };
  } catch (e) {
    await log(`failed: ${errorMessage(e)}`).catch(() => undefined);
    return { status: 'failed', error: errorMessage(e), ...(dataset && { dataset }) };
  } finally {
    await deps.labeller.close?.();
  }
}
