/**
 * The listener registry behind `FrameSource.on`. A listener that throws is logged and the others still run:
 * a bug in telemetry must never stop the frame loop.
 */
import { errorMessage } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import type { FrameSourceEventName, FrameSourceEvents } from './frame-source.ts';

type Listener<E extends FrameSourceEventName> = (e: FrameSourceEvents[E]) => void;
type Registry = { [E in FrameSourceEventName]: Set<Listener<E>> };

export class SourceEvents {
  private readonly listeners: Registry = { restarted: new Set(), lost: new Set(), ended: new Set() };

  constructor(private readonly logger: Logger) {}

  on<E extends FrameSourceEventName>(event: E, listener: Listener<E>): () => void {
    const set: Set<Listener<E>> = this.listeners[event];
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  emit<E extends FrameSourceEventName>(event: E, payload: FrameSourceEvents[E]): void {
    const set: Set<Listener<E>> = this.listeners[event];
    for (const listener of set) {
      try {
        listener(payload);
      } catch (e) {
        this.logger.error({ event, err: errorMessage(e) }, 'frame source listener threw');
      }
    }
  }
}
