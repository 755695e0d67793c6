/** A small route table: `/api/v1/devices/:id` patterns, exact segment counts, 404 versus 405 told apart. */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type Method = 'GET' | 'POST';

export interface RouteContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** Path parameters, percent-decoded. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
}

export interface Route {
  readonly method: Method;
  /** `/api/v1/devices/:id/series`: a `:name` segment matches any one non-empty segment. */
  readonly path: string;
  readonly handle: (ctx: RouteContext) => Promise<void> | void;
  /** An event stream: GET only, never HEAD (it would hold a connection open to send nothing). */
  readonly stream?: boolean;
}

export type RouteMatch =
  | { readonly kind: 'found'; readonly route: Route; readonly params: Record<string, string> }
  | { readonly kind: 'wrong-method'; readonly allow: readonly string[] }
  | { readonly kind: 'none' };

/** `/` is no segment; `/a/b` is [a, b]; a trailing slash leaves an empty last segment (so it matches nothing). */
export function splitPath(pathname: string): string[] | undefined {
  if (pathname === '/') return [];
  try {
    return pathname.slice(1).split('/').map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}

function matchPath(pattern: readonly string[], segments: readonly string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i]!;
    const got = segments[i]!;
    if (want.startsWith(':')) {
      if (got === '') return undefined;
      params[want.slice(1)] = got;
    } else if (want !== got) {
      return undefined;
    }
  }
  return params;
}

export class Router {
  private readonly compiled: { route: Route; pattern: string[] }[];

  constructor(routes: readonly Route[]) {
    this.compiled = routes.map((route) => ({ route, pattern: splitPath(route.path) ?? [] }));
  }

  /** HEAD is answered as GET (Node's server sends no body for HEAD, RFC 9110, 9.3.2). */
  match(method: string, segments: readonly string[]): RouteMatch {
    const wanted = method === 'HEAD' ? 'GET' : method;
    const allow = new Set<string>();
    for (const { route, pattern } of this.compiled) {
      const params = matchPath(pattern, segments);
      if (params === undefined) continue;
      const headOnStream = method === 'HEAD' && route.stream === true;
      if (route.method === wanted && !headOnStream) return { kind: 'found', route, params };
      allow.add(route.method);
      if (route.method === 'GET' && route.stream !== true) allow.add('HEAD');
    }
    return allow.size === 0 ? { kind: 'none' } : { kind: 'wrong-method', allow: [...allow] };
  }
}
