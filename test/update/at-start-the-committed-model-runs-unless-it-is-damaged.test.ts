import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OnnxDetector, type OnnxDetectorOptions } from '../../src/agent/detect/onnx-detector.ts';
import { ModelStore } from '../../src/agent/update/model-store.ts';
import { startActiveModel } from '../../src/agent/update/startup-model.ts';
import { silentLogger } from '../../src/log.ts';
import { fixtureModel } from '../detect/helpers/fixture-models.ts';
import { readModel, sha256, tempDir } from './helpers.ts';

test('at start the committed model runs; a damaged one gives way to the previous, then to the configured model', { timeout: 30_000 }, async () => {
  const stateDir = tempDir();
  const store = new ModelStore(stateDir, silentLogger);
  mkdirSync(store.dir, { recursive: true });
  const base: OnnxDetectorOptions = { modelPath: fixtureModel('v8-names'), threads: 1 };
  const start = () => startActiveModel({ store, base, create: (o) => new OnnxDetector(o), logger: silentLogger });
  const installed = (version: number) => {
    const path = join(store.dir, `m-${version}.onnx`);
    copyFileSync(fixtureModel('v8-no-names'), path);
    return { name: 'm', version, path, sha256: sha256(readModel('v8-no-names')), labels: ['person', 'car', 'dog'] };
  };

  // Nothing installed (or a download killed halfway): the configured model.
  let started = await start();
  assert.equal(started.info.model.path, base.modelPath);
  assert.deepEqual([started.model.name, started.model.version, started.model.sha256], ['v8-names', 7, sha256(readModel('v8-names'))]);
  await started.detector.stop();

  // Committed: version 9 runs, with the manifest's labels (the file has no names of its own).
  const v8 = installed(8);
  const v9 = installed(9);
  await store.writeActive({ current: v9, previous: v8 });
  started = await start();
  assert.equal(started.info.model.path, v9.path);
  assert.deepEqual(started.info.model.labels, ['person', 'car', 'dog']);
  assert.equal(started.model.version, 9);
  await started.detector.stop();

  // Version 9's file damaged on disk: the previous one runs.
  writeFileSync(v9.path, 'overwritten');
  started = await start();
  assert.equal(started.model.version, 8);
  await started.detector.stop();

  // Both damaged, or active.json itself unreadable: the configured model.
  writeFileSync(v8.path, 'overwritten');
  started = await start();
  assert.equal(started.info.model.path, base.modelPath);
  await started.detector.stop();
  writeFileSync(store.activePath, '{"current": ');
  started = await start();
  assert.equal(started.info.model.path, base.modelPath);
  await started.detector.stop();
});
