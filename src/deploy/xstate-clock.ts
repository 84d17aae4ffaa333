/**
 * Adapts drover's Clock to the clock xstate's actor system schedules `after` delays on, so
 * a VirtualClock drives deploy machines' timers and tests never wait in real time.
 */
import type { Clock } from '../util/clock';

export interface XStateClock {
  setTimeout(fn: (...args: any[]) => void, timeout: number): unknown;
  clearTimeout(id: unknown): void;
}

export function toXStateClock(clock: Clock): XStateClock {
  return {
    setTimeout(fn, timeout) {
      const controller = new AbortController();
      clock.sleep(timeout, controller.signal).then(
        () => fn(),
        () => undefined,
      );
      return controller;
    },
    clearTimeout(id) {
      if (id instanceof AbortController) id.abort();
    },
  };
}
