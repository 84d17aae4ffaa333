/**
 * The controller loop: fleet keys go through the WorkQueue (deduplicated, never the same key
 * twice at once, per-key backoff with jitter on errors, "requeue after" on waits), N workers
 * hand each key to a Reconciler, and a periodic resync (±10 % jitter) enqueues every key
 * so a lost event costs latency, never correctness. Events and timers only enqueue keys.
 */
import { EVENTS } from '../../log/events';
import type { Logger } from '../../log/logger';
import type { DesiredFleet } from '../../model/fleet';
import type { Clock } from '../../util/clock';
import { WorkQueue } from './work-queue';
import { withPriority } from '../../util/priority';

export interface ReconcileOutcome {
  requeueAfterMs: number;
  error?: { message: string; retryable: boolean };
  /** The pass observed the fleet (readiness). Absent means "observed unless there was an error". */
  observed?: boolean;
}

/** What the loop hands each key to (controller-runtime's reconcile.Reconciler); drover's is the FleetReconciler. */
export interface Reconciler {
  /** One level-triggered pass for a fleet; returns when to come back. */
  reconcile(fleet: DesiredFleet, signal: AbortSignal): Promise<ReconcileOutcome>;
  /** A GitLab merge/push asked to bake this commit for the fleet (already coalesced by the bake register). */
  requestBake?(fleet: DesiredFleet, commit: { sha: string; at: string; messageId?: string }): Promise<void>;
  /** A CloudWatch alarm changed state (the reconciler rolls back a soaking deployment if watched). */
  alarmChanged?(fleet: DesiredFleet, alarm: { name: string; state: string; reason: string }): Promise<void>;
  /** Graceful stop: persist snapshots and status. */
  close?(): Promise<void>;
  /** The fleet's shard went to another replica: stop acting on it now (its deployment's actor), keep its state. */
  release?(fleet: string): Promise<void>;
}

export type ReconcileResultLabel = 'success' | 'requeue_error' | 'terminal_error' | 'exception';

export interface LoopObserver {
  reconciled(fleet: string, result: ReconcileResultLabel, seconds: number): void;
}

export interface LoopOptions {
  reconciler: Reconciler;
  clock: Clock;
  logger: Logger;
  workers?: number;
  /** Default 5 min. */
  resyncMs?: number;
  /** Fraction of resyncMs, default 0.1. */
  resyncJitter?: number;
  random?: () => number;
  observer?: LoopObserver;
  queue?: WorkQueue<string>;
}

export const DEFAULT_RESYNC_MS = 300_000;

export class ControllerLoop {
  readonly queue: WorkQueue<string>;
  private readonly fleets = new Map<string, { fleet: DesiredFleet; json: string }>();
  private readonly observedOnce = new Set<string>();
  private readonly log: Logger;
  private readonly random: () => number;
  private readonly abort = new AbortController();
  private readonly stopResync = new AbortController();
  private workers: Promise<void>[] = [];
  private started = false;

  constructor(private readonly opts: LoopOptions) {
    this.random = opts.random ?? Math.random;
    this.queue = opts.queue ?? new WorkQueue<string>({ clock: opts.clock, random: this.random });
    this.log = opts.logger.child({ component: 'loop' });
  }

  /** Replace the fleet set: new or changed fleets are enqueued, removed ones are forgotten. */
  setFleets(fleets: DesiredFleet[]): { added: string[]; changed: string[]; removed: string[] } {
    const next = new Map(fleets.map((f) => [f.name, { fleet: f, json: JSON.stringify(f) }]));
    const added = [...next.keys()].filter((k) => !this.fleets.has(k));
    const changed = [...next.keys()].filter((k) => this.fleets.has(k) && this.fleets.get(k)!.json !== next.get(k)!.json);
    const removed = [...this.fleets.keys()].filter((k) => !next.has(k));
    this.fleets.clear();
    for (const [k, v] of next) this.fleets.set(k, v);
    for (const k of removed) {
      this.observedOnce.delete(k);
      this.queue.forget(k);
    }
    for (const k of [...added, ...changed]) this.enqueue(k);
    return { added, changed, removed };
  }

  fleet(name: string): DesiredFleet | undefined {
    return this.fleets.get(name)?.fleet;
  }

  fleetList(): DesiredFleet[] {
    return [...this.fleets.values()].map((v) => v.fleet);
  }

  enqueue(name: string): void {
    if (!this.fleets.has(name)) return;
    this.onEnqueue?.(name);
    this.queue.add(name);
  }

  isObserved(name: string): boolean {
    return this.observedOnce.has(name);
  }

  /** True once every current fleet has been observed at least once. */
  allObserved(): boolean {
    return [...this.fleets.keys()].every((k) => this.observedOnce.has(k));
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    const n = Math.max(1, this.opts.workers ?? 4);
    this.workers = Array.from({ length: n }, () => this.work());
    void this.resync();
  }

  /**
   * Stop taking keys, let in-flight passes finish for up to `graceMs` on the clock, then abort
   * them. Resolves true when everything finished in time.
   */
  async stop(graceMs = 25_000): Promise<boolean> {
    this.stopResync.abort();
    this.queue.shutDown();
    const timer = new AbortController();
    const timedOut = this.opts.clock.sleep(graceMs, timer.signal).then(
      () => true,
      () => false,
    );
    const expired = await Promise.race([this.queue.whenIdle().then(() => false), timedOut]);
    timer.abort();
    if (expired) {
      this.log.warn({ event: EVENTS.loopShutdownTimedOut, graceMs }, `in-flight reconciles still running after ${graceMs} ms; aborting them`);
      this.abort.abort(new Error('controller is shutting down'));
      return false;
    }
    await Promise.all(this.workers);
    return true;
  }

  private async work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      try {
        await this.process(key);
      } finally {
        this.queue.done(key);
      }
    }
  }

  private async process(key: string): Promise<void> {
    const fleet = this.fleets.get(key)?.fleet;
    if (!fleet) return this.queue.forget(key);
    const startedMs = this.opts.clock.nowMs();
    const log = this.log.child({ fleet: key });
    log.debug({ event: EVENTS.loopReconcileStarted, requeues: this.queue.numRequeues(key) }, 'reconciling');
    let label: ReconcileResultLabel;
    try {
      // Observation spends the AWS budgets last; a deployment's own steps run at 'deploy' (deploy/actors).
      const out = await withPriority('resync', () => this.opts.reconciler.reconcile(fleet, this.abort.signal));
      if (out.observed ?? !out.error) this.observedOnce.add(key);
      label = this.schedule(key, out, log);
    } catch (err) {
      label = 'exception';
      const delayMs = this.queue.addRateLimited(key);
      log.error({ event: EVENTS.loopReconcileThrew, err: String(err), delayMs }, `reconciling fleet ${key} threw: ${(err as Error)?.message ?? err}`);
    }
    this.opts.observer?.reconciled(key, label, (this.opts.clock.nowMs() - startedMs) / 1000);
  }

  /** Waiting is not failing: no error → requeueAfter; retryable error → backoff; terminal → requeueAfter. */
  private schedule(key: string, out: ReconcileOutcome, log: Logger): ReconcileResultLabel {
    if (!out.error) {
      this.queue.forget(key);
      // A steady fleet whose next look is no sooner than the resync is left to it (batched there).
      if (!(this.leaveSteadyToResync && out.requeueAfterMs >= (this.opts.resyncMs ?? DEFAULT_RESYNC_MS))) this.queue.addAfter(key, out.requeueAfterMs);
      return 'success';
    }
    if (out.error.retryable) {
      const delayMs = this.queue.addRateLimited(key);
      log.warn({ event: EVENTS.loopReconcileError, retryable: true, delayMs, failures: this.queue.numRequeues(key) }, out.error.message);
      return 'requeue_error';
    }
    this.queue.addAfter(key, out.requeueAfterMs);
    log.error({ event: EVENTS.loopReconcileError, retryable: false, delayMs: out.requeueAfterMs }, out.error.message);
    return 'terminal_error';
  }

  private async resync(): Promise<void> {
    const base = this.opts.resyncMs ?? DEFAULT_RESYNC_MS;
    const jitter = this.opts.resyncJitter ?? 0.1;
    while (!this.stopResync.signal.aborted) {
      const delayMs = Math.round(base * (1 - jitter + 2 * jitter * this.random()));
      try {
        await this.opts.clock.sleep(delayMs, this.stopResync.signal);
      } catch {
        return;
      }
      this.log.debug({ event: EVENTS.loopResync, fleets: this.fleets.size }, 'periodic resync');
      this.beforeResync?.(this.fleetList());
      for (const k of this.fleets.keys()) this.queue.add(k);
      this.onResync?.();
    }
  }

  /** Called after each periodic resync (the daemon sweeps lifecycle actions on it). */
  onResync?: () => void;
  /** Called with every fleet just before a periodic resync enqueues them (the daemon starts a batched-observe pass). */
  beforeResync?: (fleets: DesiredFleet[]) => void;
  /** Called when an event or a changed manifest enqueues a fleet (not on resync or requeue timers). */
  onEnqueue?: (fleet: string) => void;
  /**
   * Do not requeue a fleet that asks to come back no sooner than the resync: the resync comes for
   * it anyway, and observes it in a cross-fleet batch (the daemon sets this with batched observe).
   */
  leaveSteadyToResync = false;
}
