import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bearer, getJson, makeStore, startDashboard, status, T0, TOKEN } from './harness.ts';

const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'";

function assertSecurityHeaders(headers: Headers, what: string): void {
  assert.equal(headers.get('content-security-policy'), CSP, what);
  assert.equal(headers.get('x-content-type-options'), 'nosniff', what);
  assert.equal(headers.get('referrer-policy'), 'no-referrer', what);
}

test('access needs the token everywhere except /healthz and /login', async (t) => {
  const store = await makeStore(t);
  await store.upsertStatus(status('cam-1', T0), T0);
  const { url } = await startDashboard(t, { store, now: () => T0 });

  // Open routes.
  const health = await fetch(`${url}/healthz`);
  assert.equal(health.status, 200);
  assert.equal(await health.text(), 'ok');
  assertSecurityHeaders(health.headers, '/healthz');
  const form = await fetch(`${url}/login`);
  assert.equal(form.status, 200);
  assert.match(await form.text(), /<form[^>]+method="post"[^>]+action="\/login"/);

  // No token: the API answers 401 JSON, pages send the browser to the login form.
  const anonymous = await getJson(`${url}/api/v1/fleet`, {});
  assert.equal(anonymous.status, 401);
  assert.deepEqual((anonymous.body as { error: { code: string } }).error.code, 'UNAUTHORIZED');
  assert.match(anonymous.headers.get('www-authenticate') ?? '', /^Bearer/);
  assertSecurityHeaders(anonymous.headers, '401');
  for (const page of ['/', '/device/cam-1', '/app.js']) {
    const res = await fetch(`${url}${page}`, { redirect: 'manual' });
    assert.equal(res.status, 303, page);
    assert.equal(res.headers.get('location'), '/login', page);
  }
  assert.equal((await fetch(`${url}/api/v1/live/fleet`)).status, 401, 'event streams need the token too');

  // A wrong token, as a header or a cookie, is refused the same way.
  assert.equal((await getJson(`${url}/api/v1/fleet`, { Authorization: `Bearer ${TOKEN}x` })).status, 401);
  assert.equal((await getJson(`${url}/api/v1/fleet`, { Authorization: `Bearer ${TOKEN.slice(0, -1)}` })).status, 401);
  assert.equal((await getJson(`${url}/api/v1/fleet`, { Cookie: 'lookout_token=wrong-but-long-enough' })).status, 401);

  // The bearer token opens the API.
  const withBearer = await getJson(`${url}/api/v1/fleet`, bearer);
  assert.equal(withBearer.status, 200);
  assert.deepEqual((withBearer.body as { devices: { deviceId: string }[] }).devices.map((d) => d.deviceId), ['cam-1']);
  assertSecurityHeaders(withBearer.headers, 'API 200');

  // /login?token= sets the cookie and sends the browser home; the cookie then opens pages and the API.
  const login = await fetch(`${url}/login?token=${encodeURIComponent(TOKEN)}`, { redirect: 'manual' });
  assert.equal(login.status, 303);
  assert.equal(login.headers.get('location'), '/');
  const setCookie = login.headers.get('set-cookie') ?? '';
  assert.match(setCookie, /^lookout_token=[^;]+; HttpOnly; SameSite=Strict; Path=\//);
  const cookie = setCookie.split(';')[0]!;
  assert.equal((await getJson(`${url}/api/v1/fleet`, { Cookie: cookie })).status, 200);
  const page = await fetch(`${url}/`, { headers: { Cookie: `theme=light; ${cookie}` } });
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
  assert.match(await page.text(), /<script type="module" src="\/app\.js"><\/script>/);

  // The form posts the same exchange.
  const posted = await fetch(`${url}/login`, {
    method: 'POST', redirect: 'manual', body: new URLSearchParams({ token: TOKEN }),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(posted.status, 303);
  assert.match(posted.headers.get('set-cookie') ?? '', /^lookout_token=/);

  // A wrong token at /login: 401, the form again with its message shown, and no cookie.
  for (const wrong of [
    fetch(`${url}/login?token=nope`, { redirect: 'manual' }),
    fetch(`${url}/login`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ token: 'nope' }) }),
  ]) {
    const res = await wrong;
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('set-cookie'), null);
    const html = await res.text();
    assert.match(html, /data-login-error>/, 'the error line is shown');
    assert.match(html, /<form/);
  }
});
