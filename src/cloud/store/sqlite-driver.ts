/**
 * The part of better-sqlite3 the store uses, typed here: the package ships no types and @types/better-sqlite3
 * is not a dependency. Loaded with require since it is a CommonJS native addon.
 */
import { createRequire } from 'node:module';

export interface SqliteRunResult {
  readonly changes: number;
}

export interface SqliteStatement {
  run(...params: readonly unknown[]): SqliteRunResult;
  get(...params: readonly unknown[]): unknown;
  all(...params: readonly unknown[]): unknown[];
}

/** Calling it runs `BEGIN` (deferred); `immediate` runs `BEGIN IMMEDIATE`, taking the write lock first. */
export interface SqliteTransaction<A extends unknown[], R> {
  (...args: A): R;
  immediate(...args: A): R;
}

export interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  exec(sql: string): void;
  pragma(sql: string): unknown;
  transaction<A extends unknown[], R>(fn: (...args: A) => R): SqliteTransaction<A, R>;
  close(): void;
}

export type SqliteDatabaseConstructor = new (path: string, options?: { timeout?: number }) => SqliteDatabase;

export function loadBetterSqlite3(): SqliteDatabaseConstructor {
  return createRequire(import.meta.url)('better-sqlite3') as SqliteDatabaseConstructor;
}
