import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DomainShift } from '../../src/agent/camera/synthetic/domain.ts';
import { LookoutError } from '../../src/errors.ts';
import { renderScene } from '../../src/agent/camera/synthetic/scene.ts';
import { SyntheticWorld } from '../../src/agent/camera/synthetic/world.ts';

function code(where: string, expected: string): (e: unknown) => boolean {
  return (e) => e instanceof LookoutError && e.code === expected && e.where === where;
}

test('bad sizes, domains, object counts, times and buffers give LookoutErrors naming the field', () => {
  assert.throws(() => renderScene({ width: 0, height: 100, seed: 1 }), code('width', 'BAD_SIZE'));
  assert.throws(() => renderScene({ width: 100, height: 10.5, seed: 1 }), code('height', 'BAD_SIZE'));
  assert.throws(() => renderScene({ width: 100, height: 100, seed: -1 }), code('seed', 'BAD_SEED'));
  assert.throws(() => new SyntheticWorld({ width: 64, height: 48, seed: 1.5 }).renderAt(0), code('seed', 'BAD_SEED'));
  const noon = { lighting: 'noon' } as unknown as Partial<DomainShift>;
  assert.throws(() => renderScene({ width: 100, height: 100, seed: 1, domain: noon }), code('domain.lighting', 'BAD_DOMAIN'));
  assert.throws(() => renderScene({ width: 100, height: 100, seed: 1, objectCount: 7 }), code('objectCount', 'BAD_OBJECT_COUNT'));
  const world = new SyntheticWorld({ width: 64, height: 48, seed: 1 });
  assert.throws(() => world.renderAt(0, new Uint8Array(10)), code('out', 'BAD_BUFFER'));
  assert.throws(() => world.renderAt(Number.NaN), code('tMs', 'BAD_TIME'));
  assert.throws(() => {
    world.setDomain({ background: 'moon' } as unknown as Partial<DomainShift>);
  }, code('domain.background', 'BAD_DOMAIN'));
  assert.throws(() => new SyntheticWorld({ width: 8, height: 48, seed: 1 }).renderAt(0), code('width', 'BAD_SIZE'));
});
