/**
 * The dashboard server: the JSON API, two event streams and the web page, on Node's own HTTP server. Every
 * route except /healthz, /login and the login form's stylesheet needs the access token.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger, type Logger } from '../../log.ts';
import type { IngestCounters } from '../ingest/counters.ts';
import type { LiveFeed } from '../live/live-feed.ts';
import type { Store } from '../store/store.ts';
import { apiRoutes, fleetBody, FLEET_DEFAULT_LIMIT } from './api-routes.ts';
import { TokenCheck } from './auth.ts';
import { Connections } from './connections.ts';
import { FleetBroadcaster } from './fleet-broadcaster.ts';
import { methodNotAllowed, notFound, redirect, sendError, sendText, setSecurityHeaders } from './http-reply.ts';
import { liveRoutes } from './live-routes.ts';
import { LoginPage } from './login.ts';
import { pageRoutes, PUBLIC_ASSETS } from './page-routes.ts';
import { Router, splitPath, type Route } from './router.ts';
import type { SseStream } from './sse-stream.ts';
import { defaultStaticDir, sendAsset, StaticAssets } from './static-assets.ts';

export interface DashboardDeps {
  readonly store: Store;
  readonly live: LiveFeed;
  /** The access token, at least 16 characters. */
  readonly token: string;
  /** Liveness threshold for the store's device reads. */
  readonly staleAfterMs: number;
  /** Wall clock (ms), default Date.now. */
  readonly now?: () => number;
  readonly ingestCounters?: () => IngestCounters;
  readonly logger?: Logger;
  /** Live fleet push period, default 2000 ms. */
  readonly fleetPushMs?: number;
  /** Comment-line period on event streams, default 15 s. */
  readonly ssePingMs?: number;
  /** The page's files; default `defaultStaticDir()`. */
  readonly staticDir?: string;
  /** More routes behind the token (the closed loop's actions). */
  readonly routes?: readonly Route[];
  /** Routes served without the token (model files for devices: the signed manifest vouches for them). */
  readonly publicRoutes?: readonly Route[];
}

export interface Dashboard {
  readonly handler: (req: IncomingMessage, res: ServerResponse) => void;
  /** Resolves the base URL, e.g. http://127.0.0.1:8080. */
  listen(port: number, host: string): Promise<string>;
  /** Ends the event streams, clears the timers and closes the server; safe to call twice. */
  close(): Promise<void>;
}

const DEFAULT_FLEET_PUSH_MS = 2000;
const DEFAULT_PING_MS = 15_000;
/** How long close() lets in-flight requests finish before it drops their connections. */
const CLOSE_GRACE_MS = 2000;

function baseUrl(address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

export function createDashboard(deps: DashboardDeps): Dashboard {
  const tokens = new TokenCheck(deps.token);
  const logger = (deps.logger ?? silentLogger).child({ module: 'dashboard' });
  const now = deps.now ?? Date.now;
  const assets = StaticAssets.load(deps.staticDir ?? defaultStaticDir());
  const login = new LoginPage(tokens, assets.html('login.html'));
  const apiDeps = {
    store: deps.store, now, staleAfterMs: deps.staleAfterMs, logger,
    ...(deps.ingestCounters === undefined ? {} : { ingestCounters: deps.ingestCounters }),
  };
  const fleet = new FleetBroadcaster({
    intervalMs: deps.fleetPushMs ?? DEFAULT_FLEET_PUSH_MS,
    logger,
    snapshot: async () => JSON.stringify(await fleetBody(apiDeps, { limit: FLEET_DEFAULT_LIMIT, offset: 0 })),
  });
  const streams = new Set<SseStream>();
  const router = new Router([
    ...apiRoutes(apiDeps),
    ...liveRoutes({ live: deps.live, fleet, pingMs: deps.ssePingMs ?? DEFAULT_PING_MS, logger, streams }),
    ...pageRoutes(assets),
    ...(deps.routes ?? []),
  ]);
  const publicRouter = new Router([...(deps.publicRoutes ?? [])]);
  let server: Server | undefined;
  let closing: Promise<void> | undefined;
  const connections = new Connections();

  async function dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    setSecurityHeaders(res);
    const url = new URL(req.url ?? '/', 'http://dashboard.invalid');
    const segments = splitPath(url.pathname);
    const api = url.pathname === '/api' || url.pathname.startsWith('/api/');
    if (segments === undefined) {
      sendError(res, 400, { code: 'BAD_PARAMETER', field: 'path', message: 'the path is not valid percent-encoding' });
      return;
    }
    const first = segments.length === 1 ? segments[0] : undefined;
    const method = req.method ?? 'GET';
    if (first === 'healthz') {
      if (method === 'GET' || method === 'HEAD') sendText(res, 200, 'ok');
      else methodNotAllowed(res, ['GET', 'HEAD'], false);
      return;
    }
    if (first === 'login') {
      if (method === 'GET' || method === 'HEAD' || method === 'POST') await login.handle(req, res, url.searchParams);
      else methodNotAllowed(res, ['GET', 'HEAD', 'POST'], false);
      return;
    }
    const publicAsset = first !== undefined && PUBLIC_ASSETS.has(first) ? assets.asset(first) : undefined;
    if (publicAsset !== undefined && (method === 'GET' || method === 'HEAD')) {
      sendAsset(req, res, publicAsset);
      return;
    }
    const open = publicRouter.match(method, segments);
    if (open.kind === 'found') {
      await open.route.handle({ req, res, params: open.params, query: url.searchParams });
      return;
    }
    if (!tokens.authorised(req)) {
      // RFC 6750, 3: a 401 for a protected resource names the scheme.
      if (api) sendError(res, 401, { code: 'UNAUTHORIZED', message: 'send the access token as a Bearer token or log in' }, { 'WWW-Authenticate': 'Bearer realm="lookout"' });
      else redirect(res, '/login');
      return;
    }
    const match = router.match(method, segments);
    switch (match.kind) {
      case 'none':
        notFound(res, api);
        return;
      case 'wrong-method':
        methodNotAllowed(res, match.allow, api);
        return;
      case 'found':
        await match.route.handle({ req, res, params: match.params, query: url.searchParams });
        return;
    }
  }

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    connections.begin(req, res);
    if (closing !== undefined) {
      // Closed: no new stream may start (nothing would end it), and nothing else is served either.
      setSecurityHeaders(res);
      sendText(res, 503, 'shutting down\n', { Connection: 'close' });
      return;
    }
    dispatch(req, res).catch((e: unknown) => {
      logger.error({ err: e, url: req.url }, 'request failed');
      if (res.headersSent) res.destroy();
      else sendError(res, 500, { code: 'INTERNAL_ERROR', message: 'the server could not answer; its log has the details' });
    });
  };

  return {
    handler,

    async listen(port: number, host: string): Promise<string> {
      if (server !== undefined) throw new Error('dashboard already listening');
      const s = createServer(handler);
      connections.track(s);
      server = s;
      try {
        await new Promise<void>((resolve, reject) => {
          s.once('error', reject);
          s.listen(port, host, () => {
            s.off('error', reject);
            resolve();
          });
        });
      } catch (e) {
        server = undefined;
        throw e;
      }
      s.on('error', (e) => { logger.error({ err: e }, 'dashboard server error'); });
      const url = baseUrl(s.address() as AddressInfo);
      logger.info({ url }, 'dashboard listening');
      return url;
    },

    close(): Promise<void> {
      closing ??= (async () => {
        fleet.stop();
        for (const stream of [...streams]) stream.close();
        streams.clear();
        const s = server;
        if (s === undefined) return;
        const closed = new Promise<void>((resolve) => s.close(() => { resolve(); }));
        // Streams just ended may still be flushing; their sockets close themselves (Connection: close).
        connections.dropIdle();
        const grace = setTimeout(() => { s.closeAllConnections(); }, CLOSE_GRACE_MS);
        await closed;
        clearTimeout(grace);
      })();
      return closing;
    },
  };
}
