import type { StatusPayload } from '../../protocol/index.ts';
import type { Liveness, LivenessOptions } from './store.ts';

/**
 * A device that said it is going away (`offline` is also its last will, `stopping` its clean exit) is offline;
 * one silent past the threshold is stale whatever it last said; one that reported trouble is degraded.
 */
export function liveness(state: StatusPayload['state'] | null, lastSeen: number, options: LivenessOptions): Liveness {
  if (state === 'offline' || state === 'stopping') return 'offline';
  if (options.now - lastSeen > options.staleAfterMs) return 'stale';
  if (state === 'degraded') return 'degraded';
  return 'online';
}
