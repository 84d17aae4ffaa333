/**
 * Letting virtual time pass while async work (deployment actors, in-flight AWS calls) keeps
 * up: run queued promise callbacks, then jump the clock to the next due timer or the
 * target, whichever is first. Nothing here waits in real time.
 */
import type { VirtualClock } from './clock';

/** Let queued promise callbacks and their follow-ups run (one macrotask turn, several times). */
export async function flush(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * Move `clock` forward by `ms`, stopping at every timer on the way so the work it wakes can
 * run before time moves on. `advance` moves the world (the simulated account's advance);
 * `settle` waits until the async work in flight is done (default: a few macrotask turns).
 */
export async function passVirtualTime(
  clock: VirtualClock,
  advance: (ms: number) => void,
  ms: number,
  settle: () => Promise<void> = () => flush(),
): Promise<void> {
  const until = clock.nowMs() + Math.max(0, ms);
  for (let guard = 0; guard < 100_000; guard++) {
    await settle();
    const now = clock.nowMs();
    if (now >= until) return;
    const next = clock.nextTimerAt();
    const target = Math.min(until, next === undefined ? until : Math.max(next, now));
    advance(target - now);
  }
  throw new Error(`passing virtual time: timers kept firing without time moving at ${clock.now().toISOString()}`);
}
