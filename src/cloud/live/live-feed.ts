/**
 * The dashboard's push channel: one device's messages as the broker delivers them. With several service
 * replicas each one ingests only its share of the fleet (shared subscription), so a replica serving a browser
 * cannot rely on its own ingest to see a given device; the feed subscribes to that device's topics itself
 * (non-shared), only while somebody watches, and drops the subscription when the last watcher leaves.
 */
import type { EventPayload, StatsPayload, StatusPayload } from '../../protocol/index.ts';

export type LiveMessage =
  | { readonly channel: 'stats'; readonly payload: StatsPayload }
  | { readonly channel: 'events'; readonly payload: EventPayload }
  | { readonly channel: 'status'; readonly payload: StatusPayload };

export interface LiveFeed {
  /** Calls `onMessage` for each valid message of the device until the returned function is called. */
  watchDevice(deviceId: string, onMessage: (message: LiveMessage) => void): () => void;
}
