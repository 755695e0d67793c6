/**
 * Whether a failed store write is worth retrying. A database that is away, busy, locked or out of space will
 * take the same write later: the ingest waits (the broker keeps what follows). Anything else (a value the
 * database refuses, a bug) fails the same way every time; retried forever it would hold up the whole intake
 * behind one message, so after a few attempts the message is refused and counted instead.
 */
import { isLookoutError } from '../../errors.ts';

const TRANSIENT_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENOSPC', 'EAGAIN']);

export function isTransientStoreError(e: unknown): boolean {
  if (isLookoutError(e)) return false;
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return /Connection terminated|connection timeout|not queryable|Client has encountered a connection error/i.test(String(e));
  if (TRANSIENT_ERRNO.has(code)) return true;
  // better-sqlite3: SQLITE_BUSY(_*), SQLITE_LOCKED(_*), SQLITE_FULL, SQLITE_IOERR(_*) (sqlite.org/rescode.html).
  if (/^SQLITE_(BUSY|LOCKED|FULL|IOERR)/.test(code)) return true;
  // PostgreSQL SQLSTATE: 08 connection exception, 53 insufficient resources, 57P0x shutdown or crash,
  // 40001 / 40P01 serialization failure / deadlock (postgresql.org/docs/current/errcodes-appendix.html).
  return /^(08|53|57P0)/.test(code) || code === '40001' || code === '40P01';
}
