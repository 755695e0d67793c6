/**
 * The part of `pg` the store uses, typed here: pg ships no types and @types/pg is not a dependency.
 * BIGINT (oid 20) and NUMERIC (oid 1700) come back as strings by default; the store's values (ms timestamps,
 * counts, sums) fit a double exactly below 2^53, so they are parsed to numbers.
 */
import { createRequire } from 'node:module';

export interface PgResult {
  readonly rows: Record<string, unknown>[];
  readonly rowCount: number | null;
}

export interface PgQueryable {
  query(text: string, values?: readonly unknown[]): Promise<PgResult>;
}

export interface PgClient extends PgQueryable {
  release(): void;
}

export interface PgPool extends PgQueryable {
  connect(): Promise<PgClient>;
  end(): Promise<void>;
  on(event: 'error', listener: (error: Error) => void): void;
}

type TypeParser = (value: string) => unknown;

interface PgModule {
  Pool: new (config: {
    connectionString: string;
    max?: number;
    types?: { getTypeParser: (oid: number, format?: string) => TypeParser };
  }) => PgPool;
  types: { getTypeParser: (oid: number, format?: string) => TypeParser };
}

const INT8 = 20;
const NUMERIC = 1700;

export function createPgPool(connectionString: string, max: number, onIdleError: (error: Error) => void): PgPool {
  const pg = createRequire(import.meta.url)('pg') as PgModule;
  const pool = new pg.Pool({
    connectionString,
    max,
    types: {
      getTypeParser: (oid, format) => (oid === INT8 || oid === NUMERIC ? Number : pg.types.getTypeParser(oid, format)),
    },
  });
  // node-postgres: an idle client's error (server restart, failover) is emitted on the pool and, unheard,
  // would crash the process; the pool has already dropped that client, and the next query opens a new one.
  pool.on('error', onIdleError);
  return pool;
}
