/**
 * Turns each step of an update into an `update` message (protocol/update.ts) and a log line. Publishing is
 * the caller's (telemetry's outbox); a failure there is logged, never thrown into the update.
 */
import { errorMessage } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import type { UpdatePayload } from '../../protocol/update.ts';
import type { Clock } from '../clock.ts';

export interface UpdateIdentity {
  readonly name: string;
  readonly version: number;
}

export interface StepDetails {
  readonly code?: string;
  readonly detail?: string;
  readonly progress?: number;
}

export class UpdateReporter {
  constructor(
    private readonly deviceId: string,
    private readonly publish: (payload: UpdatePayload) => void,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  report(id: UpdateIdentity, state: UpdatePayload['state'], extra: StepDetails = {}): void {
    const payload: UpdatePayload = {
      v: 1,
      deviceId: this.deviceId,
      ts: Math.round(this.clock.wallMs()),
      name: id.name.slice(0, 64),
      version: id.version,
      state,
      // The schema's bounds: a long error text is cut, never the reason the message is lost.
      ...(extra.code === undefined ? {} : { code: extra.code.slice(0, 64) }),
      ...(extra.detail === undefined ? {} : { detail: extra.detail.slice(0, 1024) }),
      ...(extra.progress === undefined ? {} : { progress: Math.min(1, Math.max(0, extra.progress)) }),
    };
    const fields = { name: payload.name, version: payload.version, state, code: payload.code, detail: payload.detail, progress: payload.progress };
    if (state === 'rejected' || state === 'failed' || state === 'rolled-back') this.logger.warn(fields, `model update ${state}`);
    else if (state === 'downloading') this.logger.debug(fields, 'model update downloading');
    else this.logger.info(fields, `model update ${state}`);
    try {
      this.publish(payload);
    } catch (e) {
      this.logger.error({ err: errorMessage(e) }, 'update message not published');
    }
  }
}
