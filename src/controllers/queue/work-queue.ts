/**
 * The controller's work queue, after client-go's: keys (fleet names) are deduplicated while
 * waiting, a key is never handed out twice at once (re-added while processing, it is queued
 * again when `done`), `addAfter` requeues on the injected clock, and failures back off per
 * key with jitter until `forget`.
 */
import { BackoffPolicy, backoffDelayMs, KEY_BACKOFF } from '../../util/backoff';
import type { Clock } from '../../util/clock';

export interface WorkQueueOptions {
  clock: Clock;
  backoff?: BackoffPolicy;
  /** Jitter source in [0, 1); Math.random when absent. */
  random?: () => number;
}

export interface WorkQueueMetrics {
  /** Keys ready to be handed out. */
  depth: number;
  processing: number;
  /** Keys waiting for an `addAfter`/backoff timer. */
  delayed: number;
  /** How long the oldest waiting key has waited, in ms (0 when none). */
  oldestWaitMs: number;
}

interface Delayed {
  atMs: number;
  cancel: AbortController;
}

export class WorkQueue<K = string> {
  private readonly clock: Clock;
  private readonly backoff: BackoffPolicy;
  private readonly random: () => number;
  private readonly ready: K[] = [];
  /** Keys that need processing (ready, or re-added while processing), with when they were added. */
  private readonly dirty = new Map<K, number>();
  private readonly processing = new Set<K>();
  private readonly delayed = new Map<K, Delayed>();
  private readonly failures = new Map<K, number>();
  private readonly getters: Array<(key: K | undefined) => void> = [];
  private readonly idleWaiters: Array<() => void> = [];
  private shuttingDown = false;

  constructor(opts: WorkQueueOptions) {
    this.clock = opts.clock;
    this.backoff = opts.backoff ?? KEY_BACKOFF;
    this.random = opts.random ?? Math.random;
  }

  /** Mark `key` as needing work. A key already waiting is not added twice. */
  add(key: K): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.set(key, this.clock.nowMs());
    if (this.processing.has(key)) return;
    this.ready.push(key);
    this.handOut();
  }

  /** Add `key` after `ms` on the clock. An earlier pending timer for the key wins over a later one. */
  addAfter(key: K, ms: number): void {
    if (this.shuttingDown) return;
    if (!(ms > 0)) return this.add(key);
    const atMs = this.clock.nowMs() + ms;
    const existing = this.delayed.get(key);
    if (existing && existing.atMs <= atMs) return;
    existing?.cancel.abort();
    const entry: Delayed = { atMs, cancel: new AbortController() };
    this.delayed.set(key, entry);
    this.clock.sleep(ms, entry.cancel.signal).then(
      () => {
        if (this.delayed.get(key) === entry) this.delayed.delete(key);
        this.add(key);
      },
      () => undefined,
    );
  }

  /** Requeue after this key's next backoff delay (about 1 s, doubling per failure, capped). Returns the delay. */
  addRateLimited(key: K): number {
    const failures = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, failures);
    const delayMs = backoffDelayMs(failures, this.backoff, this.random);
    this.addAfter(key, delayMs);
    return delayMs;
  }

  /** The key succeeded: reset its backoff. */
  forget(key: K): void {
    this.failures.delete(key);
  }

  /** Consecutive failures recorded for `key`. */
  numRequeues(key: K): number {
    return this.failures.get(key) ?? 0;
  }

  /** The next key to work on; waits until one is ready. Undefined once the queue is shut down. */
  get(): Promise<K | undefined> {
    if (this.shuttingDown) return Promise.resolve(undefined);
    const key = this.ready.shift();
    if (key !== undefined) return Promise.resolve(this.take(key));
    return new Promise((resolve) => this.getters.push(resolve));
  }

  /** Finished with `key`. If it was re-added meanwhile, it is queued again. */
  done(key: K): void {
    if (!this.processing.delete(key)) return;
    if (this.dirty.has(key) && !this.shuttingDown) {
      this.ready.push(key);
      this.handOut();
    }
    if (!this.processing.size) this.idleWaiters.splice(0).forEach((w) => w());
  }

  /** Stop handing out keys: pending `get`s resolve undefined and timers are cancelled. */
  shutDown(): void {
    this.shuttingDown = true;
    for (const d of this.delayed.values()) d.cancel.abort();
    this.delayed.clear();
    this.getters.splice(0).forEach((g) => g(undefined));
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Resolves once no key is being processed (graceful shutdown waits on this). */
  whenIdle(): Promise<void> {
    if (!this.processing.size) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Keys ready to be handed out. */
  len(): number {
    return this.ready.length;
  }

  /** How long the oldest key still needing work has waited, in ms. */
  oldestWaitMs(): number {
    const now = this.clock.nowMs();
    let oldest = 0;
    for (const added of this.dirty.values()) oldest = Math.max(oldest, now - added);
    return oldest;
  }

  metrics(): WorkQueueMetrics {
    return { depth: this.ready.length, processing: this.processing.size, delayed: this.delayed.size, oldestWaitMs: this.oldestWaitMs() };
  }

  private take(key: K): K {
    this.dirty.delete(key);
    this.processing.add(key);
    return key;
  }

  private handOut(): void {
    while (this.getters.length && this.ready.length) {
      const getter = this.getters.shift()!;
      getter(this.take(this.ready.shift()!));
    }
  }
}
