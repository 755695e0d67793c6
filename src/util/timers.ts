/** Timers as an injected port: tests drive time with a fake, production uses the runtime's own. */

/** An opaque timer handle: whatever `setTimeout` returned. */
export type TimerHandle = object;

export interface Timers {
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const systemTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};

/** Resolves after `ms`, or at once when `cancel` is called. */
export function cancellableSleep(timers: Timers, ms: number): { done: Promise<void>; cancel: () => void } {
  let cancel = (): void => undefined;
  const done = new Promise<void>((resolve) => {
    const handle = timers.setTimeout(resolve, ms);
    cancel = () => {
      timers.clearTimeout(handle);
      resolve();
    };
  });
  return { done, cancel };
}
