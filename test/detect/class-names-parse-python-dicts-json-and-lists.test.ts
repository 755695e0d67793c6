import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseClassNames, parseLabelsFile } from '../../src/agent/detect/class-names.ts';
import { LookoutError } from '../../src/errors.ts';

test('Ultralytics metadata: a Python dict repr, with repr quoting and escapes', () => {
  assert.deepEqual(parseClassNames(`{0: 'person', 1: "o'clock", 2: 'back\\\\slash', 3: 'caf\\xe9'}`, 'm'), ['person', "o'clock", 'back\\slash', 'café']);
});

test('keys in any order are placed by index', () => {
  assert.deepEqual(parseClassNames("{1: 'car', 0: 'person'}", 'm'), ['person', 'car']);
});

test('JSON object, JSON list and Python list, with a trailing comma', () => {
  assert.deepEqual(parseClassNames('{"0": "person", "1": "car"}', 'm'), ['person', 'car']);
  assert.deepEqual(parseClassNames('["person", "car"]', 'm'), ['person', 'car']);
  assert.deepEqual(parseClassNames("['person', 'car',]", 'm'), ['person', 'car']);
  assert.deepEqual(parseClassNames('["\\u00e9t\\u00e9"]', 'm'), ['été']);
});

test('gaps, duplicates, junk and empty names are BAD_NAMES naming the model\'s metadata', () => {
  for (const bad of ["{0: 'a', 2: 'b'}", "{0: 'a', 0: 'b'}", "{0: 'a'} extra", "{0: 'a'", 'person, car', '{}', "{0: a}", "{-1: 'a'}"]) {
    assert.throws(() => parseClassNames(bad, 'model.onnx'), (e: unknown) => {
      assert.ok(e instanceof LookoutError, bad);
      assert.equal(e.code, 'BAD_NAMES');
      assert.equal(e.where, 'model.onnx: metadata names');
      return true;
    });
  }
});

test('labels file: one name per line, CRLF and trailing blank lines allowed, a blank line inside is named by line', () => {
  assert.deepEqual(parseLabelsFile('person\r\ncar\n\n', 'l.txt'), ['person', 'car']);
  assert.throws(() => parseLabelsFile('person\n\ncar\n', 'l.txt'), (e: unknown) => e instanceof LookoutError && e.code === 'BAD_LABELS' && e.where === 'l.txt:2');
  assert.throws(() => parseLabelsFile('\n\n', 'l.txt'), (e: unknown) => e instanceof LookoutError && e.code === 'BAD_LABELS');
});
