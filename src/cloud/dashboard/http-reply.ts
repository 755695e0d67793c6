/** Response helpers shared by every dashboard route: security headers, JSON, errors, redirects, bodies. */
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Sent on every response. The page has no inline script or style, so the policy can forbid both
 * (CSP Level 3, `script-src 'self'` without 'unsafe-inline'); `data:` images cover the favicon placeholder.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

export function setSecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
}

/** The body of every API error: a stable code, the parameter at fault when there is one, and words for people. */
export interface ApiError {
  readonly code: string;
  readonly message: string;
  readonly field?: string;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    // Fleet data is private and changes every few seconds: never from a cache.
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, error: ApiError, headers: Readonly<Record<string, string>> = {}): void {
  sendJson(res, status, { error }, headers);
}

export function sendText(res: ServerResponse, status: number, text: string, headers: Readonly<Record<string, string>> = {}): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/** 303 See Other: the browser follows with a GET whatever the method was (RFC 9110, 15.4.4). */
export function redirect(res: ServerResponse, location: string, headers: Readonly<Record<string, string | string[]>> = {}): void {
  res.writeHead(303, { Location: location, 'Content-Length': 0, 'Cache-Control': 'no-store', ...headers });
  res.end();
}

export function methodNotAllowed(res: ServerResponse, allow: readonly string[], api: boolean): void {
  const headers = { Allow: allow.join(', ') };
  if (api) sendError(res, 405, { code: 'METHOD_NOT_ALLOWED', message: `use ${allow.join(' or ')}` }, headers);
  else sendText(res, 405, 'method not allowed\n', headers);
}

export function notFound(res: ServerResponse, api: boolean, message = 'no such route'): void {
  if (api) sendError(res, 404, { code: 'NOT_FOUND', message });
  else sendText(res, 404, 'not found\n');
}

export class BodyTooLargeError extends Error {}

/** Reads a small request body, refusing more than `maxBytes` (a login form is a few dozen bytes). */
export async function readSmallBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > maxBytes) throw new BodyTooLargeError(`body of ${declared} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new BodyTooLargeError(`body over ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
