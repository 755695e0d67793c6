import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { collectorWith, ManualClock, thermalTree } from './helpers.ts';

test('the cpu-thermal zone is found by type and read each interval; no zone reads null', async (t) => {
  const tree = await thermalTree([
    { type: 'gpu-thermal', temp: '40000\n' },
    { type: 'cpu-thermal', temp: '52375\n' },
  ]);
  t.after(tree.remove);
  const clock = new ManualClock();
  const { collector } = collectorWith(clock, { thermalRoot: tree.root });
  await collector.start();
  clock.advance(10_000);
  assert.equal((await collector.collect()).cpuTempC, 52.4);

  await writeFile(join(tree.root, 'thermal_zone1', 'temp'), '70950\n');
  clock.advance(10_000);
  assert.equal((await collector.collect()).cpuTempC, 71);

  // A zone whose temp reads garbage gives null, not NaN.
  await writeFile(join(tree.root, 'thermal_zone1', 'temp'), 'n/a\n');
  clock.advance(10_000);
  assert.equal((await collector.collect()).cpuTempC, null);

  const bare = collectorWith(clock).collector;
  await bare.start();
  clock.advance(10_000);
  assert.equal((await bare.collect()).cpuTempC, null);
});
