/**
 * Where the detector's files are at run time, decided in this one place. From source (tsx) this module is
 * src/agent/detect/runtime-paths.ts and the worker is the .ts file beside it; in the esbuild bundle every
 * module's import.meta.url is dist/lookout.mjs (or dist/detect-worker.mjs), and the worker is the separate
 * entry dist/detect-worker.mjs next to it.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = import.meta.url;

/** True when running the TypeScript source through tsx, false inside the bundle. */
export const runningFromSource = here.endsWith('.ts');

export function detectWorkerUrl(): URL {
  return new URL(runningFromSource ? './detect-worker.ts' : './detect-worker.mjs', here);
}

/** How to start the detector worker: `new Worker(script, { eval, execArgv })`. */
export interface WorkerEntry {
  readonly script: string | URL;
  readonly eval: boolean;
  readonly execArgv: string[] | undefined;
}

/**
 * The bundle starts dist/detect-worker.mjs directly. From source, Node 20 workers do not apply the parent's
 * `--import tsx` hooks to their own entry (a .ts entry fails with ERR_UNKNOWN_FILE_EXTENSION), so a two-line
 * bootstrap registers tsx's ESM hooks inside the worker (tsx/esm/api register()) and then imports the .ts file.
 */
export function detectWorkerEntry(): WorkerEntry {
  const url = detectWorkerUrl();
  if (!runningFromSource) return { script: url, eval: false, execArgv: undefined };
  const api = import.meta.resolve('tsx/esm/api');
  const script = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
  return { script, eval: true, execArgv: [] };
}

/** The repository root from source, the bundle's parent folder (dist/..) when bundled. */
export function projectRoot(): string {
  return fileURLToPath(new URL(runningFromSource ? '../../../' : '../', here));
}

/** The bundled model, `models/lookout-int8.onnx` under the project root. */
export function defaultModelPath(): string {
  return join(projectRoot(), 'models', 'lookout-int8.onnx');
}
