import { test } from 'node:test';
import assert from 'node:assert/strict';
import { outputListSchema, outputSchema } from '../../src/agent/gpio/schema.ts';

test('an output needs a name and a line; everything else has a safe default', () => {
  assert.deepEqual(outputSchema.parse({ name: 'relay', line: 'GPIO17' }), {
    name: 'relay',
    line: 'GPIO17',
    chip: 'auto',
    activeLow: false,
    initial: 'off',
    safe: 'off',
  });
  assert.equal(outputSchema.parse({ name: 'relay', line: 17 }).line, 17);
});

test('bad fields are refused by path', () => {
  const path = (input: unknown): PropertyKey[] | undefined => outputListSchema.safeParse(input).error?.issues[0]?.path;
  assert.deepEqual(path([{ name: 'relay', line: -1 }]), [0, 'line']);
  assert.deepEqual(path([{ name: 'relay', line: 17, safe: 'open' }]), [0, 'safe']);
  assert.deepEqual(path([{ name: 'relay', line: 17, pin: 11 }]), [0], 'unknown keys are refused, not ignored');
  assert.deepEqual(path([{ name: 'relay', line: 17 }, { name: 'relay', line: 27 }]), [1, 'name']);
  assert.deepEqual(path([{ line: 17 }]), [0, 'name']);
});

test('every output field is documented for the generated config table', () => {
  for (const [key, field] of Object.entries(outputSchema.shape)) {
    assert.ok(typeof field.description === 'string' && field.description.length > 10, `${key} lacks .describe()`);
  }
});
