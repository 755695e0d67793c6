/**
 * Why a connection attempt failed or a connection ended, reduced to a kind (what to do next) and a stable
 * reason text (what to log, once per distinct reason).
 */

export type FailureKind =
  /** The broker does not speak the MQTT version we offered: try the older one. */
  | 'protocol'
  /** Credentials or identity refused: retrying soon will not help, so retry slowly. */
  | 'auth'
  /** Any other CONNACK refusal (server unavailable, busy, banned, ...). */
  | 'refused'
  | 'tls'
  | 'network'
  /** No CONNACK in time, or the connection closed without a reason. */
  | 'timeout'
  | 'closed';

export interface ConnectionFailure {
  readonly kind: FailureKind;
  readonly reason: string;
}

// MQTT 3.1.1 §3.2.2.3 CONNACK return codes. A 3.1.1 broker answers an MQTT 5 CONNECT with return code 1
// (MQTT-3.1.2-2), which the MQTT 5 parser reads as reason code 1: so codes 1..5 mean the same in both modes.
const V3_RETURN_CODES: Record<number, ConnectionFailure> = {
  1: { kind: 'protocol', reason: 'unacceptable protocol version' },
  2: { kind: 'auth', reason: 'client identifier rejected' },
  3: { kind: 'refused', reason: 'server unavailable' },
  4: { kind: 'auth', reason: 'bad user name or password' },
  5: { kind: 'auth', reason: 'not authorized' },
};

// MQTT 5.0 §3.2.2.2 CONNACK reason codes that call for a different retry policy than "refused".
const V5_REASON_CODES: Record<number, ConnectionFailure> = {
  0x84: { kind: 'protocol', reason: 'unsupported protocol version' },
  0x85: { kind: 'auth', reason: 'client identifier not valid' },
  0x86: { kind: 'auth', reason: 'bad user name or password' },
  0x87: { kind: 'auth', reason: 'not authorized' },
  0x8a: { kind: 'auth', reason: 'banned' },
  0x8c: { kind: 'auth', reason: 'bad authentication method' },
};

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);

// Node's certificate verification codes (OpenSSL X509_V_ERR_* names) and TLS/SSL alert codes.
const TLS_CODE = /^(ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_|SELF_SIGNED|DEPTH_ZERO|HOSTNAME_MISMATCH)/;

export function classifyFailure(error: unknown): ConnectionFailure {
  if (!(error instanceof Error)) return { kind: 'closed', reason: String(error) };
  const code: unknown = (error as { code?: unknown }).code;
  if (typeof code === 'number') {
    const known = V3_RETURN_CODES[code] ?? V5_REASON_CODES[code];
    return known ?? { kind: 'refused', reason: `refused with reason code ${code} (${error.message})` };
  }
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code)) return { kind: 'network', reason: code };
    if (TLS_CODE.test(code)) return { kind: 'tls', reason: `${code}: ${error.message}` };
    return { kind: 'closed', reason: `${code}: ${error.message}` };
  }
  if (error.message === 'connack timeout') return { kind: 'timeout', reason: 'no CONNACK in time' };
  return { kind: 'closed', reason: error.message };
}
