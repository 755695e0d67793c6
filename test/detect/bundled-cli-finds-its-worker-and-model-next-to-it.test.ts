/**
 * In the esbuild bundle every module's import.meta.url is dist/lookout.mjs; the worker must be found as the
 * separate entry dist/detect-worker.mjs beside it and the default model under dist/../models/ (runtime-paths.ts).
 * The bundle is built like scripts/build.mjs builds it, into a folder inside the repository so that the native
 * packages left external still resolve from node_modules.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { build } from 'esbuild';
import sharp from 'sharp';
import { fixtureModel } from './helpers/fixture-models.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

test('dist/lookout.mjs runs detect through dist/detect-worker.mjs and looks for models/ beside dist/', async () => {
  const base = join(root, 'test/fixtures/detect/generated');
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, 'bundle-'));
  try {
    const dist = join(dir, 'dist');
    await build({
      entryPoints: [{ in: join(root, 'src/cli.ts'), out: 'lookout' }, { in: join(root, 'src/agent/detect/detect-worker.ts'), out: 'detect-worker' }],
      outdir: dist,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outExtension: { '.js': '.mjs' },
      external: ['onnxruntime-node', 'sharp'],
      banner: { js: "import { createRequire as __lookoutCreateRequire } from 'node:module'; const require = __lookoutCreateRequire(import.meta.url);" },
      logLevel: 'error',
    });
    const image = join(dir, 'red.png');
    await sharp({ create: { width: 128, height: 64, channels: 3, background: { r: 255, g: 0, b: 0 } } }).png().toFile(image);
    const ok = spawnSync(process.execPath, [join(dist, 'lookout.mjs'), 'detect', '--model', fixtureModel('v8-names'), '--json', image], { encoding: 'utf8' });
    assert.equal(ok.status, 0, ok.stderr);
    const [result] = JSON.parse(ok.stdout) as { detections: { label: string }[] }[];
    assert.deepEqual(result?.detections.map((d) => d.label), ['person', 'car', 'car']);
    const noModel = spawnSync(process.execPath, [join(dist, 'lookout.mjs'), 'detect', image], { encoding: 'utf8' });
    assert.equal(noModel.status, 2);
    assert.ok(noModel.stderr.includes(`${join(dir, 'models', 'lookout-int8.onnx')}: `), noModel.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
