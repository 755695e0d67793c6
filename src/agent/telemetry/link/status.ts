/**
 * The retained `status` messages: what the device says when it connects or changes state, and the last will
 * the broker says for it when the connection dies without a DISCONNECT.
 */
import { statusSchema, type StatusPayload } from '../../../protocol/index.ts';

/** What the agent knows about itself (versions, model, provider); the link adds state and time. */
export type StatusDetails = Pick<StatusPayload, 'group' | 'agentVersion' | 'model' | 'provider' | 'camera'>;

export type LinkState = 'online' | 'degraded';

function encode(payload: StatusPayload): Buffer {
  return Buffer.from(JSON.stringify(statusSchema.parse(payload)));
}

export function statusMessage(
  deviceId: string,
  state: StatusPayload['state'],
  ts: number,
  details: StatusDetails,
  reason?: string,
  connectedAt?: number,
): Buffer {
  return encode({ v: 1, deviceId, state, ts, ...details, ...(reason !== undefined && { reason }), ...(connectedAt !== undefined && { connectedAt }) });
}

/** The will is fixed at CONNECT, so its `ts` is when the connection began, not when it died. */
export function willMessage(deviceId: string, ts: number): Buffer {
  return encode({ v: 1, deviceId, state: 'offline', reason: 'last-will', ts, connectedAt: ts });
}
