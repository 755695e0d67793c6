/**
 * The page's files, read once when the dashboard is made and served from memory. In the source tree they sit in
 * `./static/` beside this module; the esbuild bundle (dist/lookout.mjs) carries a copy in `dist/dashboard-static/`.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LookoutError } from '../../errors.ts';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** The pages every dashboard needs; the scripts they load are checked by the browser test. */
const REQUIRED = ['index.html', 'login.html', 'app.js', 'style.css'] as const;

export interface StaticAsset {
  readonly body: Buffer;
  readonly contentType: string;
  readonly etag: string;
}

function isDir(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/** The module-relative folder when it exists (source tree), else `dashboard-static` beside the bundle. */
export function defaultStaticDir(): string {
  const beside = fileURLToPath(new URL('./static/', import.meta.url));
  if (isDir(beside)) return beside;
  const script = process.argv[1];
  if (script !== undefined) {
    const bundled = join(dirname(script), 'dashboard-static');
    if (isDir(bundled)) return bundled;
  }
  throw new LookoutError('config', 'DASHBOARD_STATIC_MISSING',
    `the dashboard's page files are neither in ${beside} nor in dashboard-static beside ${script ?? 'the program'}`, { where: beside });
}

export class StaticAssets {
  private constructor(private readonly files: ReadonlyMap<string, StaticAsset>) {}

  /** Reads every servable file of `dir` (one level, known types only). */
  static load(dir: string): StaticAssets {
    if (!isDir(dir)) throw new LookoutError('config', 'DASHBOARD_STATIC_MISSING', `no folder ${dir}`, { where: dir });
    const files = new Map<string, StaticAsset>();
    for (const name of readdirSync(dir)) {
      const contentType = CONTENT_TYPES[extname(name)];
      if (contentType === undefined || !statSync(join(dir, name)).isFile()) continue;
      const body = readFileSync(join(dir, name));
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
      files.set(name, { body, contentType, etag });
    }
    for (const name of REQUIRED) {
      if (!files.has(name)) throw new LookoutError('config', 'DASHBOARD_STATIC_MISSING', `${name} is missing from ${dir}`, { where: join(dir, name) });
    }
    return new StaticAssets(files);
  }

  get(name: string): StaticAsset | undefined {
    return this.files.get(name);
  }

  /** Scripts, styles and images are served at `/<name>`; HTML only through the page routes. */
  asset(name: string): StaticAsset | undefined {
    return extname(name) === '.html' ? undefined : this.files.get(name);
  }

  html(name: 'index.html' | 'login.html'): string {
    const file = this.files.get(name);
    if (file === undefined) throw new Error(`${name} not loaded`);
    return file.body.toString('utf8');
  }
}

/**
 * `no-cache` makes the browser revalidate each load, and the ETag turns an unchanged file into a 304, so a new
 * release is picked up at once without re-downloading an unchanged one.
 */
export function sendAsset(req: IncomingMessage, res: ServerResponse, asset: StaticAsset, status = 200): void {
  const headers = { 'Content-Type': asset.contentType, 'Cache-Control': 'no-cache', ETag: asset.etag };
  if (status === 200 && req.headers['if-none-match'] === asset.etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  res.writeHead(status, { ...headers, 'Content-Length': asset.body.length });
  res.end(asset.body);
}
