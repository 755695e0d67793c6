import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { createDashboard, defaultStaticDir } from '../../src/cloud/dashboard/index.ts';
import { isLookoutError } from '../../src/errors.ts';
import { bearer, makeStore, quietFeed, startDashboard, TOKEN } from './harness.ts';

const run = promisify(execFile);
const SOURCE_STATIC = fileURLToPath(new URL('../../src/cloud/dashboard/static/', import.meta.url));
const MODULE = fileURLToPath(new URL('../../src/cloud/dashboard/static-assets.ts', import.meta.url));

test('page files are found beside the module, beside the bundle, or where staticDir says', async (t) => {
  assert.equal(defaultStaticDir(), SOURCE_STATIC);

  const dir = await mkdtemp(join(tmpdir(), 'lookout-static-'));
  t.after(() => rm(dir, { recursive: true, force: true }));

  // The bundle: the module's own folder is not beside dist/lookout.mjs, dist/dashboard-static/ is.
  await writeFile(join(dir, 'entry.ts'), `import { defaultStaticDir } from ${JSON.stringify(MODULE)};\nprocess.stdout.write(defaultStaticDir());\n`);
  await build({ entryPoints: [join(dir, 'entry.ts')], outfile: join(dir, 'dist', 'lookout.mjs'), bundle: true, platform: 'node', format: 'esm', logLevel: 'silent' });
  await cp(SOURCE_STATIC, join(dir, 'dist', 'dashboard-static'), { recursive: true });
  const { stdout } = await run(process.execPath, [join(dir, 'dist', 'lookout.mjs')]);
  assert.equal(stdout, join(dir, 'dist', 'dashboard-static'));
  await rm(join(dir, 'dist', 'dashboard-static'), { recursive: true });
  await assert.rejects(run(process.execPath, [join(dir, 'dist', 'lookout.mjs')]), /DASHBOARD_STATIC_MISSING|dashboard-static/);

  // staticDir wins; files are read once, at creation.
  const custom = join(dir, 'custom');
  await cp(SOURCE_STATIC, custom, { recursive: true });
  const index = (await readFile(join(custom, 'index.html'), 'utf8')).replace('<title>Lookout</title>', '<title>Custom</title>');
  await writeFile(join(custom, 'index.html'), index);
  const store = await makeStore(t);
  const { url } = await startDashboard(t, { store, staticDir: custom });
  await writeFile(join(custom, 'index.html'), 'changed after start');
  const page = await fetch(`${url}/`, { headers: bearer });
  assert.match(await page.text(), /<title>Custom<\/title>/);

  // Unchanged files revalidate to 304 by their ETag.
  const script = await fetch(`${url}/app.js`, { headers: bearer });
  assert.equal(script.status, 200);
  assert.match(script.headers.get('content-type') ?? '', /^text\/javascript/);
  const etag = script.headers.get('etag') ?? '';
  assert.match(etag, /^"[\w-]+"$/);
  assert.equal((await fetch(`${url}/app.js`, { headers: { ...bearer, 'If-None-Match': etag } })).status, 304);
  assert.equal((await fetch(`${url}/nothing.js`, { headers: bearer })).status, 404);
  assert.equal((await fetch(`${url}/login.html`, { headers: bearer })).status, 404, 'HTML only through its routes');

  // A folder without the page is refused when the dashboard is made.
  await rm(join(custom, 'app.js'));
  assert.throws(() => createDashboard({ store, live: quietFeed, token: TOKEN, staleAfterMs: 1000, staticDir: custom }),
    (e) => isLookoutError(e) && e.code === 'DASHBOARD_STATIC_MISSING' && e.where === join(custom, 'app.js'));
});
