/** Counters of the link, read by the stats collector. Totals since `start()`, never reset. */

export interface LinkMetrics {
  readonly connected: boolean;
  /** The MQTT version of the current (or last) connection; null before the first one. */
  readonly protocolVersion: 4 | 5 | null;
  /** Topic plus payload bytes of every PUBLISH handed to the socket (packet overhead not counted). */
  readonly bytesSent: number;
  readonly messagesSent: number;
  /** Outbox records the broker acknowledged (PUBACK). */
  readonly messagesAcked: number;
  /** Outbox records the broker refused for good (MQTT 5 PUBACK reason >= 0x80) or that could never be sent. */
  readonly messagesRejected: number;
  /** Successful connections, the first included. */
  readonly connects: number;
  /** Successful connections after the first. */
  readonly reconnects: number;
  readonly connectFailures: number;
  readonly commands: number;
  /** Commands answered with an error reply. */
  readonly commandErrors: number;
}

export class LinkCounters {
  connected = false;
  protocolVersion: 4 | 5 | null = null;
  bytesSent = 0;
  messagesSent = 0;
  messagesAcked = 0;
  messagesRejected = 0;
  connects = 0;
  connectFailures = 0;
  commands = 0;
  commandErrors = 0;

  sent(topic: string, payload: Uint8Array): void {
    this.messagesSent += 1;
    this.bytesSent += Buffer.byteLength(topic) + payload.byteLength;
  }

  snapshot(): LinkMetrics {
    return {
      connected: this.connected,
      protocolVersion: this.protocolVersion,
      bytesSent: this.bytesSent,
      messagesSent: this.messagesSent,
      messagesAcked: this.messagesAcked,
      messagesRejected: this.messagesRejected,
      connects: this.connects,
      reconnects: Math.max(0, this.connects - 1),
      connectFailures: this.connectFailures,
      commands: this.commands,
      commandErrors: this.commandErrors,
    };
  }
}
