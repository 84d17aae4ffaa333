/**
 * Virtual time for replicas in other processes. The harness serves the simulated account at
 * speed 0 (`drover sim serve` semantics: time moves only when asked), and each daemon's clock
 * mirrors it (main/sim-url.ts: a daemon follows the account's clock, parking a wait on it for
 * its next timer). This driver moves the account's clock only while every replica is idle: no
 * request to the account or to the state table in flight through the harness's proxies for
 * `quietMs` of real time. It then moves to the earliest timer anyone parked (a daemon's lease
 * renewal, a deployment poll, the harness's own waits), at most `maxStepMs` ahead.
 *
 * So a busy or starved replica holds time back instead of missing its renewals, as on a real
 * machine its own clock would not run ahead of it, and figures (failover seconds, writes per
 * minute) are in the account's virtual time, the time every replica's leases are computed on.
 * A step that throws (the account, or a monitor listening on it) stops the driver and is
 * rethrown: the run fails loudly, and start() runs it again (the harness's clean stop does).
 */
import type { SimAccount } from '../../sim';

export interface TimeDriverOptions {
  /** True while any replica has a request in flight. */
  busy(): boolean;
  quietMs?: number;
  maxStepMs?: number;
}

export class TimeDriver {
  steps = 0;
  private timer: NodeJS.Timeout | undefined;
  private quietSince = Date.now();
  private running = false;

  constructor(
    private readonly sim: SimAccount,
    private readonly opts: TimeDriverOptions,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.quietSince = Date.now();
    this.schedule();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Virtual ms from now to the next step's target. */
  private target(): number {
    const now = this.sim.nowMs();
    const max = this.opts.maxStepMs ?? 1_000;
    const next = this.sim.clock.nextTimerAt();
    return next === undefined ? max : Math.max(1, Math.min(max, next - now));
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = setTimeout(() => this.tick(), 2);
  }

  private tick(): void {
    if (!this.running) return;
    const real = Date.now();
    if (this.opts.busy()) this.quietSince = real;
    else if (real - this.quietSince >= (this.opts.quietMs ?? 15)) {
      try {
        this.sim.advance(this.target());
      } catch (err) {
        // A half-done step (the account or a monitor on it threw): stop here rather than step
        // on past it, and stopped for real, so start() (the harness's clean stop) runs again.
        this.stop();
        throw err;
      }
      this.steps++;
      this.quietSince = real;
    }
    this.schedule();
  }
}

/** Sleep `ms` of the account's virtual time (a timer the driver stops at). */
export function sleepVirtual(sim: SimAccount, ms: number): Promise<void> {
  return sim.clock.sleep(ms);
}

/** Poll `check` in real time until it holds, or fail after `maxVirtualMs` of virtual time (or `maxRealMs` of real time). */
export async function waitFor<T>(sim: SimAccount, what: string, check: () => T | undefined | false, opts: { maxVirtualMs: number; maxRealMs?: number }): Promise<T> {
  const startV = sim.nowMs();
  const startR = Date.now();
  for (;;) {
    const v = check();
    if (v !== undefined && v !== false) return v;
    if (sim.nowMs() - startV > opts.maxVirtualMs || Date.now() - startR > (opts.maxRealMs ?? 10 * 60_000)) {
      throw new Error(`waiting for ${what}: not after ${Math.round((sim.nowMs() - startV) / 1000)} virtual s (${Math.round((Date.now() - startR) / 1000)} real s)`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}
