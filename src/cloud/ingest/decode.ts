/**
 * One MQTT message as the ingest sees it: topic, size, JSON and schema checked in that order, and the device
 * id in the payload checked against the topic (the broker's ACL lets a device publish only under its own id;
 * a payload naming another device is refused here too, so one compromised device cannot write for another).
 */
import { channelSchemas, markChecked, MAX_SAMPLE_JPEG_BYTES, parseTopic } from '../../protocol/index.ts';
import type {
  EventPayload, SamplePayload, StatePayload, StatsPayload, StatusPayload, UpdatePayload,
} from '../../protocol/index.ts';
import { issuePath } from '../../util/issue-path.ts';
import type { BadPayloadReason } from './counters.ts';

export const INGEST_CHANNELS = ['status', 'state', 'stats', 'events', 'samples', 'update'] as const;
export type IngestChannel = (typeof INGEST_CHANNELS)[number];

export type DecodedMessage =
  | { readonly channel: 'status'; readonly payload: StatusPayload }
  | { readonly channel: 'state'; readonly payload: StatePayload }
  | { readonly channel: 'stats'; readonly payload: StatsPayload }
  | { readonly channel: 'events'; readonly payload: EventPayload }
  | { readonly channel: 'samples'; readonly payload: SamplePayload }
  | { readonly channel: 'update'; readonly payload: UpdatePayload };

export interface BadMessage {
  readonly reason: BadPayloadReason;
  /** What is wrong and where: `fps: Too small: expected number to be >=0`, `JSON at byte 17: ...`. */
  readonly detail: string;
}

export type DecodeResult = { readonly ok: true; readonly message: DecodedMessage } | ({ readonly ok: false } & BadMessage);

/** Every channel but samples carries a few hundred bytes; a sample is a base64 JPEG plus its predictions. */
export const MAX_MESSAGE_BYTES = 64 * 1024;
export const MAX_SAMPLE_MESSAGE_BYTES = Math.ceil(MAX_SAMPLE_JPEG_BYTES / 3) * 4 + 64 * 1024;

function bad(reason: BadPayloadReason, detail: string): DecodeResult {
  return { ok: false, reason, detail };
}

function isIngestChannel(channel: string): channel is IngestChannel {
  return (INGEST_CHANNELS as readonly string[]).includes(channel);
}

export function decodeMessage(topic: string, payload: Uint8Array): DecodeResult {
  const parsed = parseTopic(topic);
  if (parsed?.kind !== 'device' || !isIngestChannel(parsed.channel)) return bad('topic', `not a device topic the ingest reads: ${JSON.stringify(topic.slice(0, 200))}`);
  const channel = parsed.channel;
  const limit = channel === 'samples' ? MAX_SAMPLE_MESSAGE_BYTES : MAX_MESSAGE_BYTES;
  if (payload.byteLength > limit) return bad('too-large', `${payload.byteLength} bytes, over the ${limit} a ${channel} message may have`);
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8'));
  } catch (e) {
    return bad('json', `not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const result = channelSchemas[channel].safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue === undefined ? '' : issuePath(issue.path);
    return bad('schema', `${where === '' ? '(payload)' : where}: ${issue?.message ?? 'invalid'}`);
  }
  const data = result.data as { deviceId: string };
  if (data.deviceId !== parsed.deviceId) {
    return bad('device-mismatch', `deviceId ${JSON.stringify(data.deviceId)} published on the topic of ${JSON.stringify(parsed.deviceId)}`);
  }
  return { ok: true, message: { channel, payload: markChecked(result.data) } as DecodedMessage };
}
