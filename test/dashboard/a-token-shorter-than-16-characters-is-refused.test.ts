import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDashboard } from '../../src/cloud/dashboard/index.ts';
import { isLookoutError } from '../../src/errors.ts';
import { makeStore, quietFeed } from './harness.ts';

test('a token shorter than 16 characters is refused', async (t) => {
  const store = await makeStore(t);
  assert.throws(() => createDashboard({ store, live: quietFeed, token: 'short-token-15c', staleAfterMs: 1000 }),
    (e) => isLookoutError(e) && e.code === 'DASHBOARD_TOKEN_TOO_SHORT' && e.where === 'token');
  const ok = createDashboard({ store, live: quietFeed, token: 'sixteen-chars-ok', staleAfterMs: 1000 });
  await ok.close();
});
