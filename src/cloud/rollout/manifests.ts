/** Builds and signs the desired-model manifest of a registered model (src/protocol/manifest.ts). */
import { basename } from 'node:path';
import { signManifest } from '../../protocol/manifest-signature.ts';
import type { Manifest, SignedManifest } from '../../protocol/index.ts';
import type { ModelRecord } from '../store/store.ts';
import { modelFacts } from './model-facts.ts';

export interface SigningKey {
  readonly keyId: string;
  readonly privateKeyPem: string;
}

export interface ManifestOptions {
  /** Base URL the devices download from; the file is served at `<publicUrl>/models/<file>`. */
  readonly publicUrl: string;
  readonly ttlS: number;
  readonly rollback: boolean;
  readonly now: number;
}

export function modelUrl(publicUrl: string, model: ModelRecord): string {
  return `${publicUrl.replace(/\/+$/, '')}/models/${encodeURIComponent(basename(model.path))}`;
}

export async function signedManifestFor(model: ModelRecord, key: SigningKey, options: ManifestOptions): Promise<SignedManifest> {
  const facts = await modelFacts(model.path);
  const manifest: Manifest = {
    name: model.name,
    version: model.version,
    sha256: model.sha256,
    size: model.size,
    url: modelUrl(options.publicUrl, model),
    labels: [...facts.labels],
    input: { width: facts.input.width, height: facts.input.height, format: 'rgb' },
    quantization: facts.quantization,
    dataset: String(model.metrics['dataset'] ?? ''),
    metrics: { ...model.metrics },
    createdAt: new Date(options.now).toISOString(),
    expiresAt: new Date(options.now + options.ttlS * 1000).toISOString(),
    rollback: options.rollback,
  };
  return signManifest(manifest, key.privateKeyPem, key.keyId);
}
