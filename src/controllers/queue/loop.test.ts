import { flush } from '../../../test/support/deploy/drive';
import { createMemoryLogger } from '../../log/logger';
import type { DesiredFleet } from '../../model/fleet';
import { desiredFleet } from '../../../test/support/planner/fixtures';
import { seededRandom } from '../../util/backoff';
import { VirtualClock } from '../../util/clock';
import { ControllerLoop, type Reconciler, type ReconcileOutcome } from './loop';
import { currentPriority, withPriority, type CallPriority } from '../../util/priority';

const fleet = (name: string, max = 6): DesiredFleet => desiredFleet({ name, capacity: { min: 1, max, desired: 1 } });

/** A reconciler whose passes take `passMs` of virtual time and answer from a script. */
function scripted(clock: VirtualClock, answer: (name: string, n: number) => ReconcileOutcome | Error, passMs = 1_000) {
  const calls: Array<{ name: string; atMs: number }> = [];
  let running = 0;
  let maxConcurrentSameKey = 0;
  const active = new Map<string, number>();
  const reconciler: Reconciler = {
    async reconcile(f) {
      calls.push({ name: f.name, atMs: clock.nowMs() });
      active.set(f.name, (active.get(f.name) ?? 0) + 1);
      maxConcurrentSameKey = Math.max(maxConcurrentSameKey, active.get(f.name)!);
      running++;
      await clock.sleep(passMs);
      running--;
      active.set(f.name, active.get(f.name)! - 1);
      const out = answer(f.name, calls.filter((c) => c.name === f.name).length);
      if (out instanceof Error) throw out;
      return out;
    },
  };
  return { reconciler, calls, stats: () => ({ running, maxConcurrentSameKey }) };
}

async function run(clock: VirtualClock, ms: number, stepMs = 100) {
  for (let t = 0; t < ms; t += stepMs) {
    await flush(2);
    clock.advance(stepMs);
  }
  await flush(2);
}

function setup(answer: (name: string, n: number) => ReconcileOutcome | Error, opts: { workers?: number; passMs?: number; resyncMs?: number } = {}) {
  const clock = new VirtualClock();
  const s = scripted(clock, answer, opts.passMs);
  const logger = createMemoryLogger();
  const reconciled: string[] = [];
  const loop = new ControllerLoop({
    reconciler: s.reconciler,
    clock,
    logger,
    workers: opts.workers ?? 4,
    resyncMs: opts.resyncMs ?? 3_600_000,
    random: seededRandom(2),
    observer: { reconciled: (f, result) => reconciled.push(`${f}:${result}`) },
  });
  return { clock, loop, logger, reconciled, ...s };
}

describe('ControllerLoop', () => {
  it('reconciles each fleet, requeues after the time asked, and never runs one key twice at once', async () => {
    const { clock, loop, calls, stats, reconciled } = setup(() => ({ requeueAfterMs: 10_000 }), { passMs: 3_000 });
    loop.setFleets([fleet('a'), fleet('b')]);
    loop.start();
    for (let i = 0; i < 5; i++) loop.enqueue('a');
    await run(clock, 25_000);
    const a = calls.filter((c) => c.name === 'a').map((c) => c.atMs - calls[0].atMs);
    // Added five times while busy: one pass, one follow-up right after, then 10 s after the first pass ended.
    expect(a).toEqual([0, 3_000, 13_000]);
    expect(stats().maxConcurrentSameKey).toBe(1);
    expect(calls.some((c) => c.name === 'b')).toBe(true);
    expect(reconciled.filter((r) => r === 'a:success')).toHaveLength(3);
    expect(loop.allObserved()).toBe(true);
  });

  it('backs off a retryable error exponentially (with jitter), and forgets the failures after a success', async () => {
    const { clock, loop, calls, logger } = setup((_n, n) => (n <= 4 ? { requeueAfterMs: 30_000, error: { message: 'throttled', retryable: true } } : { requeueAfterMs: 600_000 }), { passMs: 0 });
    loop.setFleets([fleet('a')]);
    loop.start();
    await run(clock, 60_000, 50);
    const gaps = calls.slice(1).map((c, i) => c.atMs - calls[i].atMs);
    expect(gaps).toHaveLength(4);
    gaps.forEach((g, i) => {
      expect(g).toBeGreaterThanOrEqual(1_000 * 2 ** i * 0.8 - 50);
      expect(g).toBeLessThanOrEqual(1_000 * 2 ** i + 50);
    });
    expect(loop.queue.numRequeues('a')).toBe(0);
    expect(logger.events('loop.reconcile_error')).toHaveLength(4);
  });

  it('a terminal error waits the requeue time; a throwing reconciler backs off and the loop goes on', async () => {
    const { clock, loop, calls, reconciled } = setup((name) => (name === 'bad' ? { requeueAfterMs: 300_000, error: { message: 'name taken', retryable: false } } : new Error('boom')), { passMs: 0 });
    loop.setFleets([fleet('bad'), fleet('boom')]);
    loop.start();
    await run(clock, 10_000, 50);
    expect(calls.filter((c) => c.name === 'bad')).toHaveLength(1);
    expect(calls.filter((c) => c.name === 'boom').length).toBeGreaterThanOrEqual(3);
    expect(reconciled).toEqual(expect.arrayContaining(['bad:terminal_error', 'boom:exception']));
    expect(loop.isObserved('bad')).toBe(false);
  });

  it('resyncs every fleet about every resync period (±10 %), and picks up changed and removed fleets', async () => {
    const { clock, loop, calls } = setup(() => ({ requeueAfterMs: 3_600_000 }), { passMs: 0, resyncMs: 60_000 });
    expect(loop.setFleets([fleet('a'), fleet('b')])).toEqual({ added: ['a', 'b'], changed: [], removed: [] });
    loop.start();
    await run(clock, 200_000, 500);
    const a = calls.filter((c) => c.name === 'a').map((c) => c.atMs);
    expect(a.length).toBe(4);
    for (let i = 1; i < a.length; i++) {
      expect(a[i] - a[i - 1]).toBeGreaterThanOrEqual(54_000);
      expect(a[i] - a[i - 1]).toBeLessThanOrEqual(66_500);
    }
    expect(loop.setFleets([fleet('a', 9)])).toEqual({ added: [], changed: ['a'], removed: ['b'] });
    const before = calls.length;
    await run(clock, 1_000);
    expect(calls.slice(before).map((c) => c.name)).toEqual(['a']);
    expect(loop.fleet('a')!.capacity.max).toBe(9);
  });

  it('leaves a steady fleet to the resync when asked (no requeue timer beside it), and still requeues one that asks sooner', async () => {
    const { clock, loop, calls } = setup((name) => ({ requeueAfterMs: name === 'steady' ? 60_000 : 10_000 }), { passMs: 0, resyncMs: 60_000 });
    loop.leaveSteadyToResync = true;
    loop.setFleets([fleet('steady'), fleet('busy')]);
    loop.start();
    await run(clock, 200_000, 500);
    const at = (n: string) => calls.filter((c) => c.name === n).map((c) => c.atMs);
    // The first pass, then one per resync (about every 60 s): no second pass 60 s after each.
    expect(at('steady').length).toBe(4);
    expect(at('busy').length).toBeGreaterThanOrEqual(19);
  });

  it('stop() lets in-flight passes finish, takes no new keys, and aborts what outlives the grace period', async () => {
    const { clock, loop, calls, logger } = setup(() => ({ requeueAfterMs: 1_000 }), { passMs: 5_000 });
    loop.setFleets([fleet('a')]);
    loop.start();
    await run(clock, 1_000);
    let stopped: boolean | undefined;
    void loop.stop(25_000).then((ok) => (stopped = ok));
    loop.enqueue('a');
    await run(clock, 10_000);
    expect(stopped).toBe(true);
    expect(calls).toHaveLength(1);

    const slow = setup(() => ({ requeueAfterMs: 1_000 }), { passMs: 60_000 });
    slow.loop.setFleets([fleet('a')]);
    slow.loop.start();
    await run(slow.clock, 1_000);
    let slowStopped: boolean | undefined;
    void slow.loop.stop(25_000).then((ok) => (slowStopped = ok));
    await run(slow.clock, 30_000);
    expect(slowStopped).toBe(false);
    expect(slow.logger.events('loop.shutdown_timed_out')).toHaveLength(1);
    expect(logger.events('loop.shutdown_timed_out')).toHaveLength(0);
  });

  it('reconciles at resync priority (an AWS call inside queues behind deployment calls)', async () => {
    const clock = new VirtualClock();
    const seen: CallPriority[] = [];
    const reconciler: Reconciler = {
      async reconcile() {
        await clock.sleep(10);
        seen.push(currentPriority());
        // A deployment step inside the pass still runs at deploy priority.
        await withPriority('deploy', async () => seen.push(currentPriority()));
        return { requeueAfterMs: 60_000 };
      },
    };
    const loop = new ControllerLoop({ reconciler, clock, logger: createMemoryLogger(), workers: 1, random: seededRandom(2) });
    loop.setFleets([fleet('a')]);
    loop.start();
    await run(clock, 100, 10);
    expect(seen).toEqual(['resync', 'deploy']);
    expect(currentPriority()).toBe('normal');
    await loop.stop(1_000);
  });
});
