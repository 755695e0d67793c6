/**
 * The `downloading` and `downloaded` steps of an update: the download (download.ts) of the manifest's model
 * into the store, reported as it goes, one message per tenth of the file.
 */
import type { Logger } from '../../log.ts';
import type { Manifest } from '../../protocol/manifest.ts';
import type { Timers } from '../../util/timers.ts';
import { downloadModel } from './download.ts';
import { fileSize } from './durable-file.ts';
import type { ModelStore } from './model-store.ts';
import type { UpdateConfig } from './schema.ts';
import type { UpdateReporter } from './update-reporter.ts';

export interface DownloadStepDeps {
  readonly config: UpdateConfig;
  readonly store: ModelStore;
  readonly reporter: UpdateReporter;
  readonly timers: Timers;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  readonly retryBaseMs?: number | undefined;
}

const round3 = (x: number): number => Number(Math.min(1, x).toFixed(3));

/** Downloads the model to `path` (resuming a partial file) and reports it; throws the download's LookoutError. */
export async function downloadStep(manifest: Manifest, path: string, d: DownloadStepDeps): Promise<void> {
  const id = { name: manifest.name, version: manifest.version };
  const partPath = d.store.partPath(manifest.name, manifest.version);
  const have = (await fileSize(partPath)) ?? 0;
  let tenth = Math.floor((have / manifest.size) * 10);
  d.reporter.report(id, 'downloading', { progress: round3(have / manifest.size), ...(have > 0 ? { detail: `resuming from byte ${have}` } : {}) });
  const result = await downloadModel(
    { url: manifest.url, size: manifest.size, sha256: manifest.sha256, partPath, finalPath: path },
    {
      idleTimeoutMs: d.config.downloadTimeoutS * 1000,
      allowInsecureHttp: d.config.allowInsecureHttp,
      timers: d.timers,
      logger: d.logger,
      signal: d.signal,
      ...(d.retryBaseMs === undefined ? {} : { retryBaseMs: d.retryBaseMs }),
      onProgress: (bytes) => {
        // Progress for the dashboard without a message per chunk.
        const t = Math.floor((bytes / manifest.size) * 10);
        if (t > tenth && bytes < manifest.size) {
          tenth = t;
          d.reporter.report(id, 'downloading', { progress: round3(bytes / manifest.size) });
        }
      },
    },
  );
  const how = result.attempts === 0 ? 'already on disk' : `${result.attempts} request(s)${result.resumedFrom > 0 ? `, resumed from byte ${result.resumedFrom}` : ''}`;
  d.reporter.report(id, 'downloaded', { detail: `${manifest.size} bytes, sha256 checked; ${how}` });
}
