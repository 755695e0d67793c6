/** What one ingest replica has seen since it started, for the dashboard and the bench. */
export const BAD_PAYLOAD_REASONS = ['topic', 'json', 'schema', 'device-mismatch', 'too-large', 'store'] as const;
export type BadPayloadReason = (typeof BAD_PAYLOAD_REASONS)[number];

export interface IngestCounters {
  /** Messages delivered by the broker, valid or not. */
  readonly received: number;
  /** Rows written (first delivery). */
  readonly stored: number;
  /** Valid messages already stored (QoS 1 redelivery, retained replay). */
  readonly duplicates: number;
  /** Rejected messages, by reason; nothing of them is stored. */
  readonly bad: Readonly<Record<BadPayloadReason, number>>;
  /** Per channel: messages received. */
  readonly byChannel: Readonly<Record<string, number>>;
  /** Store writes that failed and were retried. */
  readonly storeErrors: number;
  /** Stats received and not yet written. */
  readonly pendingStats: number;
  /** Whether the ingest is connected to the broker now. */
  readonly connected: boolean;
}
