/**
 * The replicas harness's virtual-time driver, in-process: the account's clock moves only after
 * `quietMs` of real time with no replica request in flight, each step lands on the earliest
 * parked wait (at most `maxStepMs` ahead), stop/start hold and resume it, and an error of the
 * account's advance stops the driver without wedging it. Real time is Jest's fake timers (the
 * driver polls with setTimeout and reads Date.now); nothing sleeps.
 */
import { SimAccount } from '../../sim';
import { VirtualClock } from '../../util/clock';
import { sleepVirtual, TimeDriver, waitFor } from './time-driver';

const T0 = Date.UTC(2026, 11, 4, 9);

beforeEach(() => jest.useFakeTimers({ now: Date.UTC(2026, 11, 4, 12), doNotFake: ['nextTick', 'queueMicrotask'] }));
afterEach(() => jest.useRealTimers());

function world(opts: { quietMs?: number; maxStepMs?: number } = {}) {
  const sim = new SimAccount({ clock: new VirtualClock(T0), seed: 1 });
  const load = { busy: false, polls: 0 };
  const driver = new TimeDriver(sim, {
    busy: () => {
      load.polls++;
      return load.busy;
    },
    ...opts,
  });
  return { sim, load, driver, elapsed: () => sim.nowMs() - T0 };
}

/** Real ms until the next step, found by stepping fake real time 1 ms at a time. */
function realMsToNextStep(driver: TimeDriver, limit = 1_000): number {
  const before = driver.steps;
  for (let ms = 1; ms <= limit; ms++) {
    jest.advanceTimersByTime(1);
    if (driver.steps > before) return ms;
  }
  throw new Error(`no step within ${limit} real ms`);
}

async function settled(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

describe('TimeDriver', () => {
  it('does nothing before start: no polling, no step', () => {
    const { driver, load, elapsed } = world();
    jest.advanceTimersByTime(500);
    expect([load.polls, driver.steps, elapsed()]).toEqual([0, 0, 0]);
  });

  it('steps only after quietMs of idle real time, by maxStepMs when nobody waits on the clock', () => {
    const { driver, elapsed } = world({ quietMs: 40, maxStepMs: 2_500 });
    driver.start();
    jest.advanceTimersByTime(39);
    expect([driver.steps, elapsed()]).toEqual([0, 0]);
    const first = 39 + realMsToNextStep(driver);
    expect(first).toBeGreaterThanOrEqual(40);
    expect(first).toBeLessThan(40 + 5); // one poll interval late at most
    expect(elapsed()).toBe(2_500);
    // The quiet window restarts after each step.
    const second = realMsToNextStep(driver);
    expect(second).toBeGreaterThanOrEqual(40);
    expect(elapsed()).toBe(5_000);
    driver.stop();
  });

  it('uses quietMs 15 and maxStepMs 1000 by default', () => {
    const { driver, elapsed } = world();
    driver.start();
    jest.advanceTimersByTime(14);
    expect(driver.steps).toBe(0);
    const ms = 14 + realMsToNextStep(driver);
    expect(ms).toBeGreaterThanOrEqual(15);
    expect(elapsed()).toBe(1_000);
    driver.stop();
  });

  it('holds the clock while any request is in flight, and counts the quiet window from the last busy poll', () => {
    const { driver, load, elapsed } = world({ quietMs: 30 });
    load.busy = true;
    driver.start();
    jest.advanceTimersByTime(5_000);
    expect(load.polls).toBeGreaterThan(100);
    expect([driver.steps, elapsed()]).toEqual([0, 0]);

    // Idle for less than the window, then one busy moment: the window starts again.
    load.busy = false;
    jest.advanceTimersByTime(20);
    load.busy = true;
    jest.advanceTimersByTime(4);
    load.busy = false;
    jest.advanceTimersByTime(25);
    expect(driver.steps).toBe(0);
    jest.advanceTimersByTime(10);
    expect(driver.steps).toBe(1);
    expect(elapsed()).toBe(1_000);
    driver.stop();
  });

  it('steps exactly to the earliest parked wait, and never more than maxStepMs ahead', async () => {
    const { sim, driver, elapsed } = world({ maxStepMs: 1_000 });
    const woke: string[] = [];
    void sleepVirtual(sim, 2_500).then(() => woke.push(`lease at ${elapsed()}`));
    void sim.clock.sleep(300).then(() => woke.push(`poll at ${elapsed()}`));
    driver.start();
    const targets: number[] = [];
    while (targets.length < 4) {
      realMsToNextStep(driver);
      targets.push(elapsed());
      await settled();
    }
    driver.stop();
    // 300 (the poll), 1 s cap, 1 s cap would pass 2,500: stop at it; then the cap again.
    expect(targets).toEqual([300, 1_300, 2_300, 2_500]);
    expect(woke).toEqual(['poll at 300', 'lease at 2500']);
    expect(driver.steps).toBe(4);
  });

  it('moves at least 1 ms when a parked wait is already due, so it fires', async () => {
    const { sim, driver, elapsed } = world();
    let fired = false;
    void sim.clock.sleep(0).then(() => (fired = true));
    driver.start();
    realMsToNextStep(driver);
    driver.stop();
    await settled();
    expect([fired, elapsed()]).toEqual([true, 1]);
  });

  it('stops stepping and polling on stop, resumes on start; a second start, or stop then start at once, runs no second loop', () => {
    const { driver, load, elapsed } = world();
    driver.start();
    jest.advanceTimersByTime(200);
    const steps = driver.steps;
    expect(steps).toBeGreaterThan(5);
    expect(elapsed()).toBe(steps * 1_000);

    driver.stop();
    driver.stop();
    const polls = load.polls;
    jest.advanceTimersByTime(10_000);
    expect([driver.steps, load.polls, elapsed()]).toEqual([steps, polls, steps * 1_000]);

    // Side by side for the same real time, against a driver started once: started twice, and
    // stopped and started again at once (as the harness's clean stop does) before its pending
    // poll came due. Neither runs a second polling loop.
    const once = world();
    const twice = world();
    once.driver.start();
    twice.driver.start();
    twice.driver.start();
    driver.start();
    jest.advanceTimersByTime(1);
    driver.stop();
    driver.start();
    jest.advanceTimersByTime(199);
    expect(once.driver.steps).toBeGreaterThan(5);
    expect([twice.driver.steps, twice.load.polls]).toEqual([once.driver.steps, once.load.polls]);
    expect(driver.steps - steps).toBeLessThanOrEqual(once.driver.steps);
    expect(load.polls - polls).toBeLessThanOrEqual(once.load.polls);
    for (const d of [driver, once.driver, twice.driver]) d.stop();
  });

  it('does not step again when stopped from within a step (a listener on the account)', () => {
    const { sim, driver, elapsed } = world();
    sim.onTick(() => driver.stop());
    driver.start();
    jest.advanceTimersByTime(1_000);
    expect([driver.steps, elapsed()]).toEqual([1, 1_000]);
  });

  it('on an error of the advance: fails loudly, stops without moving on, and can be started again', () => {
    const { sim, driver, load, elapsed } = world();
    let fail = true;
    sim.onTick(() => {
      if (fail) throw new Error('monitor broke');
    });
    driver.start();
    expect(() => jest.advanceTimersByTime(100)).toThrow('monitor broke');
    const polls = load.polls;
    const at = elapsed();
    expect(driver.steps).toBe(0);
    // Stopped: no retry loop of half-done steps, no further polling.
    jest.advanceTimersByTime(1_000);
    expect([load.polls, elapsed(), driver.steps]).toEqual([polls, at, 0]);
    // A clean stop restarts it (the harness does, so replicas can finish): time moves again.
    fail = false;
    driver.start();
    jest.advanceTimersByTime(100);
    expect(driver.steps).toBeGreaterThan(0);
    expect(elapsed()).toBeGreaterThan(at);
    driver.stop();
  });
});

describe('waitFor', () => {
  it('returns what the check found, polling in real time while virtual time moves', async () => {
    const { sim, driver } = world();
    driver.start();
    const found = waitFor(sim, 'five virtual s', () => (sim.nowMs() - T0 >= 5_000 ? sim.nowMs() - T0 : undefined), { maxVirtualMs: 60_000 });
    await jest.advanceTimersByTimeAsync(1_000);
    await expect(found).resolves.toBeGreaterThanOrEqual(5_000);
    driver.stop();
  });

  it('fails naming what it waited for once maxVirtualMs of virtual time passed', async () => {
    const { sim, driver } = world();
    driver.start();
    const waited = waitFor(sim, 'a fleet to converge', () => false, { maxVirtualMs: 10_000 });
    const outcome = expect(waited).rejects.toThrow(/^waiting for a fleet to converge: not after 1[12] virtual s/);
    await jest.advanceTimersByTimeAsync(2_000);
    await outcome;
    driver.stop();
  });

  it('fails after maxRealMs when virtual time does not move', async () => {
    const { sim } = world();
    const waited = waitFor(sim, 'a stuck replica', () => undefined, { maxVirtualMs: 60_000, maxRealMs: 3_000 });
    const outcome = expect(waited).rejects.toThrow('waiting for a stuck replica: not after 0 virtual s (3 real s)');
    await jest.advanceTimersByTimeAsync(3_100);
    await outcome;
  });
});
