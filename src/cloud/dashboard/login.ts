/**
 * GET /login?token=T (a link a person can bookmark) and POST /login (the form) exchange the token for the
 * session cookie, then send the browser to the fleet page.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { reachedOverTls, tokenCookie, type TokenCheck } from './auth.ts';
import { BodyTooLargeError, readSmallBody, redirect, sendText } from './http-reply.ts';

/** In login.html, the element that says the token was wrong carries this attribute pair while hidden. */
const ERROR_HIDDEN = ' data-login-error hidden';
const ERROR_SHOWN = ' data-login-error';
const MAX_FORM_BYTES = 4096;

export class LoginPage {
  private readonly form: string;
  private readonly formWithError: string;

  constructor(private readonly check: TokenCheck, html: string) {
    if (!html.includes(ERROR_HIDDEN)) throw new Error(`login.html has no element with "${ERROR_HIDDEN.trim()}"`);
    this.form = html;
    this.formWithError = html.replace(ERROR_HIDDEN, ERROR_SHOWN);
  }

  async handle(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
    let token: string | null;
    if (req.method === 'POST') {
      try {
        token = new URLSearchParams(await readSmallBody(req, MAX_FORM_BYTES)).get('token');
      } catch (e) {
        if (!(e instanceof BodyTooLargeError)) throw e;
        sendText(res, 413, 'form too large\n');
        return;
      }
    } else {
      token = query.get('token');
    }
    if (token === null || token === '') {
      this.sendForm(res, 200, false);
      return;
    }
    if (!this.check.matches(token)) {
      this.sendForm(res, 401, true);
      return;
    }
    redirect(res, '/', { 'Set-Cookie': tokenCookie(token, reachedOverTls(req)) });
  }

  private sendForm(res: ServerResponse, status: number, wrong: boolean): void {
    const html = wrong ? this.formWithError : this.form;
    res.writeHead(status, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Length': Buffer.byteLength(html),
      'Cache-Control': 'no-store',
    });
    res.end(html);
  }
}
