// Talking to the dashboard server: JSON reads and event streams. A 401 means the session cookie is gone, so the
// page goes back to the login form.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Server clock minus ours, so ages ("12 s ago") agree with the server's receive times. */
let skew = 0;

export function serverNow() {
  return Date.now() + skew;
}

/** Exact: from the `now` of a fleet snapshot. */
export function setServerNow(now) {
  skew = now - Date.now();
}

export function getJson(path) {
  return request(path, { headers: { Accept: 'application/json' } });
}

/** A POST with a JSON body; the answer's JSON (202's `{job}`, `{sent}`), or an ApiError with its status and code. */
export function postJson(path, body) {
  return request(path, {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  });
}

async function request(path, init) {
  const res = await fetch(path, { ...init, credentials: 'same-origin' });
  // To the second (RFC 9110, 6.6.1), good enough for ages until a fleet snapshot gives the exact clock.
  const date = Date.parse(res.headers.get('date') ?? '');
  if (Number.isFinite(date) && Math.abs(date - Date.now() - skew) > 1500) skew = date - Date.now();
  if (res.status === 401) {
    location.assign('/login');
    throw new ApiError(401, 'UNAUTHORIZED', 'logged out');
  }
  const body = await res.json().catch(() => null);
  if (!res.ok) {
    const error = body?.error ?? {};
    throw new ApiError(res.status, error.code ?? 'HTTP_ERROR', error.message ?? `HTTP ${res.status}`);
  }
  return body;
}

const listeners = new Set();

/** Streams report their state (connecting, live, reconnecting; idle where a view has none) for the header. */
export function onConnection(listener) {
  listeners.add(listener);
}

export function report(state) {
  for (const listener of listeners) listener(state);
}

/**
 * An EventSource with named handlers. The browser reconnects by itself after a network error; a refused
 * connection (401, or the server gone) closes it for good, so we try again after a pause, checking first
 * whether the session is still valid.
 */
export function openStream(path, handlers) {
  let source;
  let retry;
  let stopped = false;

  const start = () => {
    source = new EventSource(path);
    for (const [event, handle] of Object.entries(handlers)) {
      source.addEventListener(event, (message) => {
        let data;
        try {
          data = JSON.parse(message.data);
        } catch {
          return;
        }
        handle(data);
      });
    }
    source.addEventListener('open', () => report('live'));
    source.addEventListener('error', () => {
      if (stopped) return;
      report('reconnecting');
      if (source.readyState !== EventSource.CLOSED) return;
      source.close();
      retry = setTimeout(() => {
        getJson('/api/v1/models').then(start, (e) => { if (e.status !== 401) start(); });
      }, 3000);
    });
  };

  start();
  return {
    close() {
      stopped = true;
      clearTimeout(retry);
      source.close();
    },
  };
}
