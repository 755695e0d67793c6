import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SyntheticWorld } from '../../src/agent/camera/synthetic/world.ts';

function mean(rgb: Uint8Array): number {
  let s = 0;
  for (const v of rgb) s += v;
  return s / rgb.length;
}

test('setDomain switches lighting at run time and switching back gives the same frames again', () => {
  const world = new SyntheticWorld({ width: 160, height: 120, seed: 3, domain: { background: 'street' } });
  const day = world.renderAt(5000);
  world.setDomain({ lighting: 'night' });
  assert.equal(world.domain.lighting, 'night');
  assert.equal(world.domain.background, 'street', 'other knobs are kept');
  const night = world.renderAt(5000);
  assert.ok(mean(night.rgb) < mean(day.rgb) * 0.6, `night ${mean(night.rgb)} vs day ${mean(day.rgb)}`);
  assert.deepEqual(night.objects.map((o) => o.label), day.objects.map((o) => o.label), 'the same actors are in view');
  world.setDomain({ lighting: 'day' });
  assert.deepEqual(world.renderAt(5000).rgb, day.rgb);
  world.setDomain({ appearance: 'shifted', background: 'indoor' });
  assert.notDeepEqual(world.renderAt(5000).rgb, day.rgb);
});
