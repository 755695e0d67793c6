/**
 * Calls the frame consumer so that its failure never stops capture, and logs it on the 1st, 2nd, 4th, 8th...
 * occurrence: a consumer that throws on every frame must not write a log line per frame.
 */
import { errorMessage } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import type { Frame } from './frame.ts';

export class ConsumerGuard {
  private errors = 0;

  constructor(private readonly log: Logger) {}

  deliver(onFrame: ((frame: Frame) => void) | undefined, frame: Frame): void {
    try {
      onFrame?.(frame);
    } catch (e) {
      this.errors++;
      if ((this.errors & (this.errors - 1)) === 0) {
        this.log.error({ err: errorMessage(e), count: this.errors }, 'frame consumer threw');
      }
    }
  }
}
