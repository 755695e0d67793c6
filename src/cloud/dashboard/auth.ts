/**
 * One shared access token, presented as `Authorization: Bearer <token>` (RFC 6750, 2.1) by scripts or as the
 * `lookout_token` cookie by the browser after /login.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { LookoutError } from '../../errors.ts';

export const TOKEN_COOKIE = 'lookout_token';
export const MIN_TOKEN_LENGTH = 16;

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

export class TokenCheck {
  private readonly expected: Buffer;

  constructor(token: string) {
    if (token.length < MIN_TOKEN_LENGTH) {
      throw new LookoutError('config', 'DASHBOARD_TOKEN_TOO_SHORT',
        `the dashboard token has ${token.length} characters; it needs at least ${MIN_TOKEN_LENGTH}`, { where: 'token' });
    }
    this.expected = digest(token);
  }

  /**
   * Compares SHA-256 digests in constant time: both sides are always 32 bytes, so neither the length of the
   * token nor the position of the first wrong character shows in the timing.
   */
  matches(candidate: string | undefined): boolean {
    if (candidate === undefined) return false;
    return timingSafeEqual(digest(candidate), this.expected);
  }

  /** The token a request carries (the header first), or undefined. */
  static fromRequest(req: IncomingMessage): string | undefined {
    const header = req.headers.authorization;
    if (header !== undefined) {
      const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
      if (match?.[1] !== undefined) return match[1];
    }
    return readCookie(req.headers.cookie, TOKEN_COOKIE);
  }

  authorised(req: IncomingMessage): boolean {
    return this.matches(TokenCheck.fromRequest(req));
  }
}

/** One cookie's value from a `Cookie` header (RFC 6265, 5.4), percent-decoded. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * HttpOnly keeps the token from page scripts; SameSite=Strict keeps it off every cross-site request (so no
 * CSRF on the API); Secure when the browser reached us over TLS, directly or through a proxy that says so.
 */
export function tokenCookie(token: string, secure: boolean): string {
  return `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/${secure ? '; Secure' : ''}`;
}

export function reachedOverTls(req: IncomingMessage): boolean {
  const encrypted = (req.socket as { encrypted?: boolean }).encrypted === true;
  const forwarded = req.headers['x-forwarded-proto'];
  return encrypted || (typeof forwarded === 'string' && forwarded.split(',')[0]?.trim().toLowerCase() === 'https');
}
