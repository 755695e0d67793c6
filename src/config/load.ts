/**
 * Reads, overrides and validates the agent's config once at start-up. The only module that reads
 * `process.env`; everything else receives the typed `Config`.
 *
 * Environment overrides: `LOOKOUT_<SECTION>__<FIELD>=value` sets `section.field` (double underscore between
 * levels, case-insensitive, values read as YAML scalars): `LOOKOUT_DEVICE__ID=gate-2`, `LOOKOUT_LOG__LEVEL=debug`.
 */
import { readFile, stat } from 'node:fs/promises';
import { parseDocument, type YAMLError } from 'yaml';
import type { z } from 'zod';
import { LookoutError, errorMessage } from '../errors.ts';
import { configSchema, type Config } from './schema.ts';
import { issuePath } from '../util/issue-path.ts';
import { MAX_CONFIG_BYTES, findTextFault } from './config-text.ts';

export interface ConfigIssue {
  /** `rules[2].zones[1]`, or `(file)` for a whole-file problem. */
  readonly path: string;
  readonly message: string;
}

export class ConfigError extends LookoutError {
  readonly issues: readonly ConfigIssue[];
  constructor(file: string, issues: readonly ConfigIssue[]) {
    // The file is `where`, which reportError prints first.
    super('config', 'BAD_CONFIG', `${issues.length} error(s)\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`, {
      where: file,
    });
    this.issues = issues;
  }
}

export function zodIssues(error: z.ZodError): ConfigIssue[] {
  return error.issues.map((i) => ({ path: issuePath(i.path) || '(root)', message: i.message }));
}

/** The agent's overrides are `LOOKOUT_<SECTION>__<FIELD>`; the cloud service's `LOOKOUT_CLOUD_<SECTION>__<FIELD>`. */
export const AGENT_ENV_PREFIX = 'LOOKOUT_';
export const CLOUD_ENV_PREFIX = 'LOOKOUT_CLOUD_';

/**
 * Applies `<prefix>A__B=v` overrides onto a raw (pre-validation) config object. The agent skips the cloud
 * service's variables, so both can run on one machine with one environment.
 */
export function applyEnvOverrides(raw: Record<string, unknown>, env: NodeJS.ProcessEnv, prefix = AGENT_ENV_PREFIX): Record<string, unknown> {
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith(prefix) || value === undefined || !key.includes('__')) continue;
    if (prefix === AGENT_ENV_PREFIX && key.startsWith(CLOUD_ENV_PREFIX)) continue;
    const path = key.slice(prefix.length).toLowerCase().split('__').map(camelCase);
    let node: Record<string, unknown> = raw;
    for (const part of path.slice(0, -1)) {
      const next = node[part];
      if (typeof next !== 'object' || next === null || Array.isArray(next)) node[part] = {};
      node = node[part] as Record<string, unknown>;
    }
    node[path.at(-1)!] = parseDocument(value).toJS() as unknown;
  }
  return raw;
}

function camelCase(s: string): string {
  return s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Validates an already-parsed config object against `schema`; throws ConfigError listing every issue by path. */
export function parseConfigWith<S extends z.ZodType>(schema: S, raw: unknown, file: string, env: NodeJS.ProcessEnv, prefix: string): z.infer<S> {
  const base = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : raw === null || raw === undefined ? {} : undefined;
  if (base === undefined) throw new ConfigError(file, [{ path: '(root)', message: 'the config must be a mapping of sections' }]);
  const result = schema.safeParse(applyEnvOverrides(structuredClone(base), env, prefix));
  if (!result.success) throw new ConfigError(file, zodIssues(result.error));
  return result.data;
}

/** Validates an already-parsed agent config object; throws ConfigError listing every issue by path. */
export function parseConfig(raw: unknown, file = '(config)', env: NodeJS.ProcessEnv = {}): Config {
  return parseConfigWith(configSchema, raw, file, env, AGENT_ENV_PREFIX);
}

/**
 * One issue per position: an unclosed flow collection makes the yaml parser report each enclosing one at the
 * same place, which reads as several faults where there is one. The path already says where, so the
 * message's own "at line L, column C:" tail (from `prettyErrors`) is dropped.
 */
function yamlIssues(errors: readonly YAMLError[]): ConfigIssue[] {
  const issues = new Map<string, ConfigIssue>();
  for (const e of errors) {
    const path = e.linePos?.[0] === undefined ? '(file)' : `line ${e.linePos[0].line}:${e.linePos[0].col}`;
    const message = (e.message.split('\n')[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, '');
    if (!issues.has(path)) issues.set(path, { path, message });
  }
  return [...issues.values()];
}

/** Reads a YAML config file (or none: all defaults), applies env overrides, validates. */
export async function loadConfig(file: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<Config> {
  return loadConfigWith(configSchema, file, env, AGENT_ENV_PREFIX);
}

/** `loadConfig` for another schema and variable prefix (the cloud service's). */
export async function loadConfigWith<S extends z.ZodType>(schema: S, file: string | undefined, env: NodeJS.ProcessEnv, prefix: string): Promise<z.infer<S>> {
  if (file === undefined) return parseConfigWith(schema, {}, '(defaults)', env, prefix);
  const text = await readConfigText(file);
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) throw new ConfigError(file, yamlIssues(doc.errors));
  return parseConfigWith(schema, doc.toJS() as unknown, file, env, prefix);
}

/**
 * The file's text, or a LookoutError naming the file (unreadable, not a regular file, too large) or a
 * ConfigError naming the line, column and byte of the first byte that is not YAML text.
 */
async function readConfigText(file: string): Promise<string> {
  let bytes: Buffer;
  try {
    // stat first: reading a FIFO would block the start, and reading a huge file would exhaust memory.
    const info = await stat(file);
    if (!info.isFile()) throw new LookoutError('config', 'CONFIG_NOT_A_FILE', `cannot read config: ${info.isDirectory() ? 'a directory' : 'not a regular file'}, not a config file`, { where: file });
    if (info.size > MAX_CONFIG_BYTES) {
      throw new LookoutError('config', 'CONFIG_TOO_LARGE', `config is ${info.size} bytes; at most ${MAX_CONFIG_BYTES} are read (a config is a few kilobytes)`, { where: file });
    }
    bytes = await readFile(file);
  } catch (e) {
    if (e instanceof LookoutError) throw e;
    throw new LookoutError('config', 'CONFIG_NOT_FOUND', `cannot read config: ${errorMessage(e)}`, { where: file, cause: e });
  }
  const fault = findTextFault(bytes);
  if (fault !== undefined) throw new ConfigError(file, [{ path: `line ${fault.line}:${fault.col} (byte ${fault.byte})`, message: fault.message }]);
  // TextDecoder drops a leading byte order mark (WHATWG Encoding, "UTF-8 decode").
  return new TextDecoder('utf-8').decode(bytes);
}

/** The process environment, for the composition roots that hand it to child processes (PATH for tools). */
export function processEnv(): NodeJS.ProcessEnv {
  return process.env;
}
