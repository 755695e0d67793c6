import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { renderScene } from '../../src/agent/camera/synthetic/scene.ts';
import { SyntheticWorld } from '../../src/agent/camera/synthetic/world.ts';

const digest = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

test('the same seed and options render identical bytes and ground truth', () => {
  for (const domain of [{}, { lighting: 'night', appearance: 'shifted' } as const]) {
    const a = renderScene({ width: 200, height: 150, seed: 42, domain });
    const b = renderScene({ width: 200, height: 150, seed: 42, domain });
    assert.equal(digest(a.rgb), digest(b.rgb));
    assert.deepEqual(a.objects, b.objects);
  }
});

test('different seeds render different images', () => {
  const seen = new Set<string>();
  for (let seed = 0; seed < 8; seed++) seen.add(digest(renderScene({ width: 200, height: 150, seed }).rgb));
  assert.equal(seen.size, 8);
});

test('a world frame depends only on seed, domain and time, not on the frames rendered before', () => {
  const a = new SyntheticWorld({ width: 160, height: 120, seed: 9 });
  const b = new SyntheticWorld({ width: 160, height: 120, seed: 9 });
  const times = [0, 3500, 12_250, 41_000, 7000];
  const forward = times.map((t) => a.renderAt(t));
  const backward = [...times].reverse().map((t) => b.renderAt(t)).reverse();
  forward.forEach((f, i) => {
    assert.equal(digest(f.rgb), digest(backward[i]!.rgb), `frame at ${times[i]} ms`);
    assert.deepEqual(f.objects, backward[i]!.objects);
  });
  const other = new SyntheticWorld({ width: 160, height: 120, seed: 10 });
  assert.notEqual(digest(other.renderAt(3500).rgb), digest(forward[1]!.rgb));
});
