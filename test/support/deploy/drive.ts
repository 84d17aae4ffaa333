/**
 * Drives a deployment on a VirtualClock until it settles: let pending promises run, then
 * jump the clock to the next due timer. Virtual time never waits in real time; only when
 * nothing is scheduled does it yield briefly to real I/O (a file store's fsync).
 */
import type { VirtualClock } from '../../../src/util/clock';

import { flush } from '../../../src/util/virtual-drive';

export { flush };

function ioTick(): Promise<void> {
  return new Promise<void>((resolve) => setTimeout(resolve, 1));
}

export interface DriveOptions {
  /** Give up when virtual time passes this many ms. Default one day. */
  maxMs?: number;
  /** Stop early (resolve undefined) when this turns true. */
  until?: () => boolean;
  /** Real ms to wait for I/O with no timer pending before calling it stuck. Default 5000. */
  idleMs?: number;
}

export async function driveUntil<T>(clock: VirtualClock, done: Promise<T>, opts: DriveOptions = {}): Promise<T> {
  let settled = false;
  let value!: T;
  void done.then((v) => {
    settled = true;
    value = v;
  });
  const deadline = clock.nowMs() + (opts.maxMs ?? 24 * 3600 * 1000);
  let idle = 0;
  for (;;) {
    await flush();
    if (settled || opts.until?.()) return value;
    const next = clock.nextTimerAt();
    if (next === undefined) {
      if (idle++ > (opts.idleMs ?? 5000)) throw new Error(`driving deployment: stuck with no timer at ${clock.now().toISOString()}`);
      await ioTick();
      continue;
    }
    idle = 0;
    if (next > deadline) throw new Error(`driving deployment: not settled by ${new Date(deadline).toISOString()}`);
    clock.set(Math.max(next, clock.nowMs()));
  }
}
