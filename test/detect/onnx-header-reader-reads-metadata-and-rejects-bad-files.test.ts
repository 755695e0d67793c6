import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseOnnxHeader, readOnnxModelFile } from '../../src/agent/detect/onnx-model-file.ts';
import { LookoutError } from '../../src/errors.ts';
import { fixtureModel } from './helpers/fixture-models.ts';

const code = (c: string, where?: string) => (e: unknown): boolean => {
  assert.ok(e instanceof LookoutError, String(e));
  assert.equal(e.code, c, e.message);
  if (where !== undefined) assert.equal(e.where, where);
  return true;
};

test('reads ir_version, producer, opset and metadata_props written by onnx.helper', async () => {
  const m = await readOnnxModelFile(fixtureModel('v8-names'));
  assert.equal(m.header.irVersion, 8);
  assert.equal(m.header.producerName, 'lookout-fixtures');
  assert.deepEqual(m.header.opsets, [{ domain: '', version: 13 }]);
  assert.equal(m.header.metadata.get('names'), "{0: 'person', 1: 'car', 2: 'dog'}");
  assert.equal(m.header.metadata.get('imgsz'), '[64, 64]');
  assert.equal((await readOnnxModelFile(fixtureModel('v8-no-names'))).header.metadata.has('names'), false);
});

test('missing file: MODEL_NOT_FOUND; truncated: MODEL_CORRUPT; a PNG header: MODEL_NOT_ONNX; each naming the path', async () => {
  await assert.rejects(readOnnxModelFile('/nonexistent/model.onnx'), code('MODEL_NOT_FOUND', '/nonexistent/model.onnx'));
  const truncated = fixtureModel('truncated');
  await assert.rejects(readOnnxModelFile(truncated), code('MODEL_CORRUPT', truncated));
  const notOnnx = fixtureModel('not-onnx');
  await assert.rejects(readOnnxModelFile(notOnnx), code('MODEL_NOT_ONNX', notOnnx));
  assert.throws(() => parseOnnxHeader(new Uint8Array(0), 'empty.onnx'), code('MODEL_NOT_ONNX', 'empty.onnx'));
  assert.throws(() => parseOnnxHeader(new TextEncoder().encode('name,score\nperson,0.9\n'), 'x.csv'), code('MODEL_NOT_ONNX'));
});

test('every truncation of a model either parses (cut on a field boundary after the graph) or is a LookoutError', () => {
  const bytes = readFileSync(fixtureModel('v5-names'));
  let corrupt = 0;
  for (let n = 1; n < bytes.length; n++) {
    try {
      const h = parseOnnxHeader(bytes.subarray(0, n), 'cut.onnx');
      assert.equal(h.irVersion, 8);
    } catch (e) {
      assert.ok(e instanceof LookoutError, `cut at ${n}: ${String(e)}`);
      assert.ok(['MODEL_CORRUPT', 'MODEL_NOT_ONNX'].includes(e.code), `cut at ${n}: ${e.code}`);
      if (e.code === 'MODEL_CORRUPT') corrupt++;
    }
  }
  // Once ir_version (the first 2 bytes) is read, a cut is reported as corrupt, not as a foreign file.
  assert.ok(corrupt >= bytes.length - 40, `${corrupt} of ${bytes.length - 1} cuts reported corrupt`);
});
