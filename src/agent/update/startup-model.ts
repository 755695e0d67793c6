/**
 * Which model the agent starts with: the committed one (active.json), else the one before it, else the
 * configured (bundled) one. Each installed candidate must still hash to what was committed and must load; an
 * agent killed at any point of an update therefore always restarts on a whole model.
 */
import { basename, extname } from 'node:path';
import { errorMessage, isLookoutError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import type { OnnxDetectorOptions } from '../detect/onnx-detector.ts';
import type { Detector, DetectorInfo } from '../detect/types.ts';
import { sha256File } from './durable-file.ts';
import type { InstalledModel, ModelStore } from './model-store.ts';

/** A detector the updater can start and stop, and read back (the OnnxDetector). */
export interface ManagedDetector extends Detector {
  readonly detectorInfo: DetectorInfo | undefined;
}

export type CreateDetector = (options: OnnxDetectorOptions) => ManagedDetector;

export interface StartedModel {
  readonly detector: ManagedDetector;
  readonly info: DetectorInfo;
  readonly model: InstalledModel;
}

/** An installed model runs with the manifest's class names; the configured labels file belongs to the configured model. */
export function detectorOptionsFor(base: OnnxDetectorOptions, model: Pick<InstalledModel, 'path' | 'labels'>): OnnxDetectorOptions {
  if (model.labels === undefined) return { ...base, modelPath: model.path };
  return { ...base, modelPath: model.path, labelsPath: undefined, labels: model.labels };
}

/** The configured model as an installed one: name from the file, version from its metadata, its sha256. */
export async function describeModelFile(path: string, info: DetectorInfo): Promise<InstalledModel> {
  const version = Number.parseInt(info.model.version, 10);
  return {
    name: basename(path, extname(path)).slice(0, 128),
    version: Number.isSafeInteger(version) && version >= 0 ? version : 0,
    path,
    sha256: await sha256File(path),
  };
}

export async function startActiveModel(deps: {
  readonly store: ModelStore;
  readonly base: OnnxDetectorOptions;
  readonly create: CreateDetector;
  readonly logger: Logger;
}): Promise<StartedModel> {
  const { store, base, create, logger } = deps;
  const active = await store.readActive();
  const installed = active === undefined ? [] : [active.current, ...(active.previous === null ? [] : [active.previous])];
  for (const model of installed) {
    const where = { model: model.path, version: model.version };
    try {
      const sha256 = await sha256File(model.path);
      if (sha256 !== model.sha256) {
        logger.error({ ...where, sha256, expected: model.sha256 }, 'installed model changed on disk; not running it');
        continue;
      }
      const detector = create(detectorOptionsFor(base, model));
      const info = await detector.start();
      logger.info(where, 'running the installed model');
      return { detector, info, model };
    } catch (e) {
      logger.error({ ...where, err: errorMessage(e), code: isLookoutError(e) ? e.code : undefined }, 'installed model does not start; trying the next');
    }
  }
  const detector = create(base);
  const info = await detector.start();
  return { detector, info, model: await describeModelFile(base.modelPath, info) };
}
