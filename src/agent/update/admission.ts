/**
 * The `received` step: what a manifest must pass before a byte is downloaded. Its signature and dates
 * (manifest-signature.ts), its version against the running model's, its URL, the classes the rules need, and
 * the disk it will take. Each refusal is a LookoutError('update', code) naming the field.
 */
import type { KeyObject } from 'node:crypto';
import { LookoutError, errorMessage } from '../../errors.ts';
import { MAX_SIGNED_MANIFEST_CHARS, type Manifest } from '../../protocol/manifest.ts';
import { verifySignedManifest } from '../../protocol/manifest-signature.ts';
import { checkModelUrl } from './download.ts';
import { fileSize } from './durable-file.ts';
import { checkRulesKeepTheirClasses, type RuleClasses } from './model-checks.ts';
import type { ModelStore } from './model-store.ts';

/** Name and version as the (unverified) payload claims them: for reports only, never for a decision. */
export function claimedIdentity(text: string): { name: string; version: number } {
  if (text.length > MAX_SIGNED_MANIFEST_CHARS) return { name: '', version: 0 };
  try {
    const envelope = JSON.parse(text) as { manifest?: unknown };
    const inner = typeof envelope.manifest === 'string' ? (JSON.parse(envelope.manifest) as { name?: unknown; version?: unknown }) : {};
    const name = typeof inner.name === 'string' ? inner.name.slice(0, 64) : '';
    const version = typeof inner.version === 'number' && Number.isSafeInteger(inner.version) && inner.version >= 0 ? inner.version : 0;
    return { name, version };
  } catch {
    // Not JSON: there is nothing to claim; the verification reports the payload itself.
    return { name: '', version: 0 };
  }
}

/** Parses the payload's JSON and verifies the signed manifest in it. */
export function verifyPayload(text: string, trusted: ReadonlyMap<string, KeyObject>, now: Date): Manifest {
  if (text.length > MAX_SIGNED_MANIFEST_CHARS) {
    throw new LookoutError('update', 'BAD_ENVELOPE', `payload is ${text.length} characters; a signed manifest has at most ${MAX_SIGNED_MANIFEST_CHARS}`, { where: '(payload)' });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new LookoutError('update', 'BAD_ENVELOPE', `payload is not JSON: ${errorMessage(e)}`, { where: '(payload)', cause: e });
  }
  return verifySignedManifest(json, trusted, now);
}

/** 'same': the running version, nothing to do. A lower version needs `rollback: true` (DOWNGRADE). */
export function compareVersion(manifest: Manifest, runningVersion: number): 'same' | 'newer' | 'rollback' {
  if (manifest.version === runningVersion) return 'same';
  if (manifest.version > runningVersion) return 'newer';
  if (manifest.rollback) return 'rollback';
  throw new LookoutError('update', 'DOWNGRADE', `version ${manifest.version} is lower than the running ${runningVersion} and the manifest is no rollback`,
    { where: 'manifest.version' });
}

export interface RequestChecks {
  readonly rules: readonly RuleClasses[];
  readonly allowInsecureHttp: boolean;
  readonly store: ModelStore;
}

/** BAD_URL, LABELS_BREAK_RULE, NO_SPACE: what the manifest asks of this device. */
export async function checkRequest(manifest: Manifest, c: RequestChecks): Promise<void> {
  checkModelUrl(manifest.url, c.allowInsecureHttp);
  checkRulesKeepTheirClasses(c.rules, manifest.labels);
  const final = c.store.finalPath(manifest.name, manifest.version);
  const have = (await fileSize(final)) === manifest.size ? manifest.size : ((await fileSize(c.store.partPath(manifest.name, manifest.version))) ?? 0);
  const need = Math.max(0, manifest.size - have);
  const free = await c.store.freeBytes();
  if (need > free) {
    throw new LookoutError('update', 'NO_SPACE', `model needs ${need} more bytes; ${free} are free`, { where: c.store.dir });
  }
}
