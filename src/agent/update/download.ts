/**
 * Downloads a model file into its staging file and publishes it under its final name only once every byte
 * has been checked against the signed manifest's size and sha256.
 *
 * - A broken connection, a stall (`idleTimeoutMs` without a byte), a 5xx: the partial file is kept and the
 *   next attempt asks for the rest with `Range: bytes=N-` (RFC 9110 §14.2). The same holds across an agent
 *   restart: the partial file is on disk, named after the model's name and version.
 * - A 206 must start exactly where the file ends (RFC 9110 §14.4, Content-Range); a 200 means the server
 *   ignored the range, so the file is written again from byte 0.
 * - Never more than `size` bytes are written (TOO_LARGE, the partial file deleted). A response that ends
 *   cleanly short of `size` is TRUNCATED; one that breaks off short of its Content-Length is retried.
 * - sha256 mismatch: the partial file is deleted (SHA256_MISMATCH), the next attempt starts afresh.
 * - The disk fills up (ENOSPC): the partial file is deleted too (NO_SPACE), so the disk is as it was.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { mkdir, open, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { LookoutError, errorMessage } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import { cancellableSleep, type Timers } from '../../util/timers.ts';
import { fileSize, renameDurably, sha256File } from './durable-file.ts';

export interface DownloadTarget {
  readonly url: string;
  readonly size: number;
  readonly sha256: string;
  /** `.part` file in the staging folder: kept across broken attempts and restarts. */
  readonly partPath: string;
  readonly finalPath: string;
}

export interface DownloadOptions {
  readonly idleTimeoutMs: number;
  readonly allowInsecureHttp: boolean;
  readonly timers: Timers;
  readonly logger: Logger;
  readonly signal?: AbortSignal;
  /** Bytes on disk so far; called as they arrive. */
  readonly onProgress?: (bytes: number) => void;
  /** Attempts in a row that bring no new byte before the download gives up (DOWNLOAD_FAILED). Default 5. */
  readonly maxFruitlessAttempts?: number;
  /** Pause before the first retry; it doubles per fruitless attempt, up to 30 s. Default 1 s. */
  readonly retryBaseMs?: number;
}

export interface DownloadResult {
  /** Bytes already on disk when this download began (a partial file from before). */
  readonly resumedFrom: number;
  /** HTTP requests made (0 when the final file was already there and whole). */
  readonly attempts: number;
}

const MAX_REDIRECTS = 5;
const MAX_RETRY_MS = 30_000;

/** A broken attempt worth another try; the partial file stays. */
class Retry extends Error {}

/** Only http(s) URLs, and http only when allowed: a manifest must not make the device open arbitrary schemes. */
export function checkModelUrl(text: string, allowInsecureHttp: boolean): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch (e) {
    throw new LookoutError('update', 'BAD_URL', `not a URL: ${JSON.stringify(text.slice(0, 200))}`, { where: 'manifest.url', cause: e });
  }
  // RFC 3986 §3.2.1: a password in a URL is deprecated, and this one would travel in update messages and logs;
  // a model server authenticates devices otherwise (TLS client certificates, a signed URL's query).
  if (url.username !== '' || url.password !== '') {
    throw new LookoutError('update', 'BAD_URL', 'credentials in the URL refused (user name or password before the host)', { where: 'manifest.url' });
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:') {
    if (allowInsecureHttp) return url;
    throw new LookoutError('update', 'BAD_URL', 'plain http refused (set update.allowInsecureHttp to allow it)', { where: 'manifest.url' });
  }
  throw new LookoutError('update', 'BAD_URL', `scheme ${url.protocol} refused: only https (or http when allowed)`, { where: 'manifest.url' });
}

// `bytes 100-999/1000` → {start 100, end 999, total 1000}; `bytes */1000` → {total 1000}. RFC 9110 §14.4.
export function parseContentRange(header: string | undefined): { start?: number; end?: number; total?: number } | undefined {
  if (header === undefined) return undefined;
  const m = /^bytes\s+(?:(\d+)-(\d+)|\*)\/(\d+|\*)$/i.exec(header.trim());
  if (m === null) return undefined;
  const total = m[3] === '*' || m[3] === undefined ? undefined : Number(m[3]);
  if (m[1] === undefined || m[2] === undefined) return { ...(total === undefined ? {} : { total }) };
  return { start: Number(m[1]), end: Number(m[2]), ...(total === undefined ? {} : { total }) };
}

/** Read through a call: a check before an await must not narrow what the signal says after it. */
function aborted(o: DownloadOptions): boolean {
  return o.signal?.aborted ?? false;
}

function stopped(): LookoutError {
  return new LookoutError('update', 'STOPPED', 'download stopped (the agent is stopping)');
}

function get(url: URL, offset: number, o: DownloadOptions): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const headers: Record<string, string> = { 'accept-encoding': 'identity', 'user-agent': 'lookout-agent' };
    if (offset > 0) headers.range = `bytes=${offset}-`;
    const req = send(url, { method: 'GET', headers, ...(o.signal === undefined ? {} : { signal: o.signal }) });
    // A socket idle for this long, waiting for headers or between body chunks, ends the attempt.
    req.setTimeout(o.idleTimeoutMs, () => {
      req.destroy(new Retry(`no byte for ${o.idleTimeoutMs} ms`));
    });
    req.once('response', resolve);
    req.once('error', reject);
    req.end();
  });
}

/** Follows redirects (each target checked like the manifest's URL) and returns the final response. */
async function fetchFrom(start: URL, offset: number, o: DownloadOptions): Promise<IncomingMessage> {
  let url = start;
  for (let hop = 0; ; hop++) {
    const res = await get(url, offset, o);
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (status < 300 || status >= 400 || status === 304 || location === undefined) return res;
    res.resume();
    if (hop >= MAX_REDIRECTS) throw new LookoutError('update', 'DOWNLOAD_FAILED', `more than ${MAX_REDIRECTS} redirects`, { where: start.href });
    url = checkModelUrl(new URL(location, url).href, o.allowInsecureHttp);
  }
}

function tooLarge(t: DownloadTarget, bytes: number): LookoutError {
  return new LookoutError('update', 'TOO_LARGE', `the server sends ${bytes} bytes or more; the manifest says ${t.size}`, { where: t.url });
}

/** One request: appends to the partial file from `offset`. Resolves when the response ended cleanly. */
async function attempt(t: DownloadTarget, o: DownloadOptions, offset: number): Promise<void> {
  const res = await fetchFrom(new URL(t.url), offset, o);
  const status = res.statusCode ?? 0;
  let start: number;
  if (status === 206) {
    const range = parseContentRange(res.headers['content-range']);
    if (range?.start !== offset) {
      res.destroy();
      await rm(t.partPath, { force: true });
      throw new Retry(`asked for bytes from ${offset}, the server sent ${res.headers['content-range'] ?? 'no Content-Range'}`);
    }
    if (range.total !== undefined && range.total > t.size) {
      res.destroy();
      await rm(t.partPath, { force: true });
      throw tooLarge(t, range.total);
    }
    start = offset;
  } else if (status === 200) {
    start = 0;
  } else if (status === 416) {
    res.resume();
    const total = parseContentRange(res.headers['content-range'])?.total;
    await rm(t.partPath, { force: true });
    if (total !== undefined && total < t.size) {
      throw new LookoutError('update', 'TRUNCATED', `the server has ${total} bytes; the manifest says ${t.size}`, { where: t.url });
    }
    throw new Retry(`the server refused the range from ${offset}; starting again from 0`);
  } else if (status >= 500 || status === 408 || status === 429) {
    res.resume();
    throw new Retry(`HTTP ${status}`);
  } else {
    res.resume();
    throw new LookoutError('update', 'DOWNLOAD_FAILED', `HTTP ${status} ${res.statusMessage ?? ''}`.trim(), { where: t.url });
  }
  const lengthHeader = res.headers['content-length'];
  const declared = lengthHeader === undefined ? undefined : Number(lengthHeader);
  if (declared !== undefined && start + declared > t.size) {
    res.destroy();
    await rm(t.partPath, { force: true });
    throw tooLarge(t, start + declared);
  }
  const handle = await open(t.partPath, start === 0 ? 'w' : 'r+');
  let position = start;
  let broken: unknown;
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      if (position + chunk.length > t.size) throw tooLarge(t, position + chunk.length);
      await handle.write(chunk, 0, chunk.length, position);
      position += chunk.length;
      o.onProgress?.(position);
    }
  } catch (e) {
    broken = e;
  } finally {
    res.destroy();
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
  if (broken !== undefined) {
    if (broken instanceof LookoutError) {
      if (broken.code === 'TOO_LARGE') await rm(t.partPath, { force: true });
      throw broken;
    }
    if (aborted(o)) throw stopped();
    if ((broken as NodeJS.ErrnoException).code === 'ENOSPC') {
      // A partial model on a full disk holds the space the outbox needs to keep events and alarms; a resume
      // later is worth less than that.
      await rm(t.partPath, { force: true });
      throw new LookoutError('update', 'NO_SPACE', `disk full after ${position} of ${t.size} bytes`, { where: t.partPath, cause: broken });
    }
    throw new Retry(`connection broke after ${position} of ${t.size} bytes: ${errorMessage(broken)}`);
  }
  if (position === t.size) return;
  if (declared === undefined || position - start < declared) throw new Retry(`response ended after ${position} of ${t.size} bytes`);
  await rm(t.partPath, { force: true });
  throw new LookoutError('update', 'TRUNCATED', `the server sent ${position} bytes in all; the manifest says ${t.size}`, { where: t.url });
}

async function pause(o: DownloadOptions, ms: number): Promise<void> {
  const sleep = cancellableSleep(o.timers, ms);
  const onAbort = (): void => {
    sleep.cancel();
  };
  o.signal?.addEventListener('abort', onAbort, { once: true });
  await sleep.done;
  o.signal?.removeEventListener('abort', onAbort);
  if (aborted(o)) throw stopped();
}

/** Downloads, resumes and checks `t`; throws LookoutError('update', code) with the reason. */
export async function downloadModel(t: DownloadTarget, o: DownloadOptions): Promise<DownloadResult> {
  checkModelUrl(t.url, o.allowInsecureHttp);
  await mkdir(dirname(t.partPath), { recursive: true });
  await mkdir(dirname(t.finalPath), { recursive: true });
  // A restart after the rename but before the swap finds the model already in place.
  if ((await fileSize(t.finalPath)) !== undefined) {
    if ((await sha256File(t.finalPath)) === t.sha256) return { resumedFrom: t.size, attempts: 0 };
    await rm(t.finalPath, { force: true });
  }
  const maxFruitless = o.maxFruitlessAttempts ?? 5;
  const retryBase = o.retryBaseMs ?? 1000;
  let have = (await fileSize(t.partPath)) ?? 0;
  if (have > t.size) {
    await rm(t.partPath, { force: true });
    have = 0;
  }
  const resumedFrom = have;
  let attempts = 0;
  let fruitless = 0;
  while (have < t.size) {
    if (aborted(o)) throw stopped();
    attempts++;
    try {
      await attempt(t, o, have);
    } catch (e) {
      if (aborted(o)) throw stopped();
      if (e instanceof LookoutError) throw e;
      const now = (await fileSize(t.partPath)) ?? 0;
      fruitless = now > have ? 0 : fruitless + 1;
      const reason = errorMessage(e);
      if (fruitless >= maxFruitless) {
        throw new LookoutError('update', 'DOWNLOAD_FAILED', `${fruitless} attempts in a row brought no byte; last: ${reason}`, { where: t.url, cause: e });
      }
      const delay = Math.min(MAX_RETRY_MS, retryBase * 2 ** Math.max(0, fruitless - 1));
      o.logger.warn({ url: t.url, bytes: now, size: t.size, reason, retryInMs: delay }, 'model download broke off; resuming');
      await pause(o, delay);
    }
    have = (await fileSize(t.partPath)) ?? 0;
  }
  const actual = await sha256File(t.partPath);
  if (actual !== t.sha256) {
    await rm(t.partPath, { force: true });
    throw new LookoutError('update', 'SHA256_MISMATCH', `sha256 of the download is ${actual}; the manifest says ${t.sha256}`, { where: t.url });
  }
  await renameDurably(t.partPath, t.finalPath);
  return { resumedFrom, attempts };
}
