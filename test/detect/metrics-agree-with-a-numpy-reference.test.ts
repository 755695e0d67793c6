/**
 * Random scenes scored by metrics.ts and by scripts/fixtures/ap-reference.py (numpy's own interp, trapz and
 * unique, as Ultralytics val uses them) must agree to 1e-9.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { DetectionMetrics, type ScoredBox, type TruthBox } from '../../src/agent/detect/metrics.ts';
import type { BoxXYXY } from '../../src/agent/detect/types.ts';

const script = fileURLToPath(new URL('../../scripts/fixtures/ap-reference.py', import.meta.url));

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function jitter(box: BoxXYXY, r: () => number, amount: number): BoxXYXY {
  return box.map((v) => v + (r() - 0.5) * amount) as BoxXYXY;
}

interface Scene {
  preds: ScoredBox[];
  truths: TruthBox[];
}

function scenes(seed: number, count: number): Scene[] {
  const r = rng(seed);
  return Array.from({ length: count }, () => {
    const truths: TruthBox[] = Array.from({ length: 1 + Math.floor(r() * 6) }, () => {
      const x = r() * 500;
      const y = r() * 300;
      return { classId: Math.floor(r() * 4), box: [x, y, x + 10 + r() * 120, y + 10 + r() * 90] };
    });
    const preds: ScoredBox[] = [];
    for (const t of truths) {
      // Near misses, duplicates and class confusions around each truth; scores distinct (ties are unordered).
      const n = Math.floor(r() * 3);
      for (let k = 0; k < n; k++) preds.push({ classId: r() < 0.8 ? t.classId : Math.floor(r() * 4), score: r(), box: jitter(t.box, r, 40) });
    }
    for (let k = Math.floor(r() * 3); k > 0; k--) preds.push({ classId: Math.floor(r() * 4), score: r() * 0.5, box: [r() * 500, r() * 300, 520, 320] });
    return { preds, truths };
  });
}

test('mAP50, mAP50-95 and per-class AP equal the numpy reference on random scenes', () => {
  for (const seed of [1, 2, 3]) {
    const data = scenes(seed, 25);
    const m = new DetectionMetrics();
    for (const s of data) m.add(s.preds, s.truths);
    const ours = m.summary();
    const input = JSON.stringify({
      images: data.map((s) => ({
        preds: s.preds.map((p) => [p.classId, p.score, ...p.box]),
        truths: s.truths.map((t) => [t.classId, ...t.box]),
      })),
    });
    const ref = JSON.parse(execFileSync('/usr/bin/python3', [script], { input, encoding: 'utf8' })) as {
      map50: number; map: number; ap50: Record<string, number>; ap: Record<string, number>;
    };
    assert.ok(Math.abs(ours.map50 - ref.map50) < 1e-9, `seed ${seed}: mAP50 ${ours.map50} vs ${ref.map50}`);
    assert.ok(Math.abs(ours.map50to95 - ref.map) < 1e-9, `seed ${seed}: mAP50-95 ${ours.map50to95} vs ${ref.map}`);
    for (const c of ours.classes) {
      assert.ok(Math.abs(c.ap50 - ref.ap50[String(c.classId)]!) < 1e-9, `seed ${seed} class ${c.classId} AP50`);
      assert.ok(Math.abs(c.ap50to95 - ref.ap[String(c.classId)]!) < 1e-9, `seed ${seed} class ${c.classId} AP`);
    }
    assert.ok(ours.map50 > 0.05 && ours.map50 < 0.99, `seed ${seed}: a scene set that exercises partial AP (${ours.map50})`);
  }
});
