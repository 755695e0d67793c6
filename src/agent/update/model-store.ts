/**
 * The models on the device's disk, under `stateDir/models/`:
 *
 *   staging/<name>-<version>.onnx.part   a download in progress (kept across broken connections and restarts)
 *   <name>-<version>.onnx                 a downloaded, sha256-checked model
 *   active.json                           { current, previous }: what a restart runs (written after probation)
 *   refused.json                          models that failed on this device, so a republish does not retry them
 *
 * Only the current and the previous model stay; older ones are deleted at each commit. The bundled model lives
 * in the install folder and is never touched.
 */
import { mkdir, readFile, readdir, rm, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { errorMessage } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import { writeFileDurably } from './durable-file.ts';

const installedSchema = z.object({
  name: z.string().min(1).max(128),
  version: z.number().int().nonnegative(),
  path: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** The manifest's class names; absent for a model that carries its own (the bundled one). */
  labels: z.array(z.string().min(1)).min(1).optional(),
});
export type InstalledModel = z.infer<typeof installedSchema>;

const activeSchema = z.object({
  current: installedSchema,
  previous: installedSchema.nullable(),
});
export type ActiveModels = z.infer<typeof activeSchema>;

const refusedSchema = z.array(z.object({
  name: z.string(),
  version: z.number(),
  sha256: z.string(),
  code: z.string(),
  ts: z.number(),
}));
export type RefusedModel = z.infer<typeof refusedSchema>[number];

/** Refusals remembered; older ones are forgotten (versions only grow, so they will not come back). */
const MAX_REFUSED = 32;

export class ModelStore {
  readonly dir: string;
  readonly stagingDir: string;
  readonly activePath: string;
  private readonly refusedPath: string;

  constructor(stateDir: string, private readonly logger: Logger) {
    this.dir = join(stateDir, 'models');
    this.stagingDir = join(this.dir, 'staging');
    this.activePath = join(this.dir, 'active.json');
    this.refusedPath = join(this.dir, 'refused.json');
  }

  /** The manifest's name is checked to be file-name safe (manifestSchema), so it can name files. */
  finalPath(name: string, version: number): string {
    return join(this.dir, `${name}-${version}.onnx`);
  }

  partPath(name: string, version: number): string {
    return join(this.stagingDir, `${name}-${version}.onnx.part`);
  }

  async ensureDirs(): Promise<void> {
    await mkdir(this.stagingDir, { recursive: true });
  }

  /** Free bytes for an unprivileged writer in the models folder. */
  async freeBytes(): Promise<number> {
    await this.ensureDirs();
    const s = await statfs(this.dir);
    return s.bavail * s.bsize;
  }

  /** active.json, or undefined when there is none or it cannot be read (then the bundled model runs). */
  async readActive(): Promise<ActiveModels | undefined> {
    const json = await this.readJson(this.activePath);
    if (json === undefined) return undefined;
    const parsed = activeSchema.safeParse(json);
    if (!parsed.success) {
      this.logger.error({ file: this.activePath, err: parsed.error.issues[0]?.message }, 'active.json is not valid; running the configured model');
      return undefined;
    }
    return parsed.data;
  }

  async writeActive(active: ActiveModels): Promise<void> {
    await this.ensureDirs();
    await writeFileDurably(this.activePath, `${JSON.stringify(activeSchema.parse(active), null, 2)}\n`);
  }

  async readRefused(): Promise<RefusedModel[]> {
    const json = await this.readJson(this.refusedPath);
    const parsed = refusedSchema.safeParse(json ?? []);
    return parsed.success ? parsed.data : [];
  }

  async addRefused(entry: RefusedModel): Promise<void> {
    const list = (await this.readRefused()).filter((r) => !(r.version === entry.version && r.sha256 === entry.sha256));
    list.push(entry);
    await this.ensureDirs();
    await writeFileDurably(this.refusedPath, `${JSON.stringify(list.slice(-MAX_REFUSED))}\n`);
  }

  /** Deletes every model file in the folder except `keep`, and everything in staging. */
  async prune(keep: readonly string[]): Promise<string[]> {
    const removed: string[] = [];
    const kept = new Set(keep);
    for (const entry of await readdir(this.dir, { withFileTypes: true })) {
      const path = join(this.dir, entry.name);
      if (!entry.isFile() || !entry.name.endsWith('.onnx') || kept.has(path)) continue;
      await rm(path, { force: true });
      removed.push(path);
    }
    for (const entry of await readdir(this.stagingDir)) {
      const path = join(this.stagingDir, entry);
      await rm(path, { force: true, recursive: true });
      removed.push(path);
    }
    return removed;
  }

  private async readJson(path: string): Promise<unknown> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      this.logger.error({ file: path, err: errorMessage(e) }, 'cannot read');
      return undefined;
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      this.logger.error({ file: path, err: errorMessage(e) }, 'not JSON');
      return undefined;
    }
  }
}
