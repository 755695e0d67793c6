/**
 * Serves registered model files to devices: `GET /models/<name>-<version>.onnx`, with single byte ranges
 * (RFC 9110 §14) so an interrupted download resumes where it stopped. No token: a device proves nothing to
 * download, and gains nothing from a file that does not match the signed manifest's sha256.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Route } from '../dashboard/router.ts';

const FILE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}\.onnx$/;

/** `bytes=a-b`, `bytes=a-`, `bytes=-n` against a file of `size` bytes; undefined: not satisfiable; null: no range. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | null | undefined {
  if (header === undefined) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (m === null) return null; // a multi-range or unknown unit: send the whole file (RFC 9110 §14.2 allows it)
  const [, a = '', b = ''] = m;
  if (a === '' && b === '') return undefined;
  if (a === '') {
    const n = Number(b);
    if (n === 0) return undefined;
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(a);
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  if (start >= size || end < start) return undefined;
  return { start, end };
}

export function modelFilesRoutes(modelsDir: string): Route[] {
  const handle: Route['handle'] = async ({ req, res, params }) => {
    const file = params['file'] ?? '';
    if (!FILE.test(file)) {
      res.writeHead(404).end();
      return;
    }
    const path = join(modelsDir, file);
    const info = await stat(path).catch(() => undefined);
    if (info?.isFile() !== true) {
      res.writeHead(404).end();
      return;
    }
    const range = parseRange(req.headers.range, info.size);
    const common = { 'Content-Type': 'application/octet-stream', 'Accept-Ranges': 'bytes', 'Cache-Control': 'no-cache' };
    if (range === undefined) {
      res.writeHead(416, { ...common, 'Content-Range': `bytes */${info.size}` }).end();
      return;
    }
    const { start, end } = range ?? { start: 0, end: info.size - 1 };
    res.writeHead(range === null ? 200 : 206, {
      ...common,
      'Content-Length': String(end - start + 1),
      ...(range !== null && { 'Content-Range': `bytes ${start}-${end}/${info.size}` }),
    });
    if (req.method === 'HEAD' || info.size === 0) {
      res.end();
      return;
    }
    await new Promise<void>((resolve) => {
      const stream = createReadStream(path, { start, end });
      stream.on('error', () => { res.destroy(); resolve(); });
      res.on('close', () => { stream.destroy(); resolve(); });
      stream.pipe(res);
    });
  };
  return [{ method: 'GET', path: '/models/:file', handle }];
}
