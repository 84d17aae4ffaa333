/**
 * Token buckets on the injected clock. A taker gets a token at once while the bucket has one and
 * nobody waits; otherwise it queues. Waiting takers are served by priority level (0 first), in
 * arrival order within a level, as tokens refill: a high-priority taker that arrives behind a
 * hundred low ones is served with the next token. The refill rate can change while takers wait
 * (the AWS budgets' adaptive backoff); one timer on the clock wakes the queue when the next token
 * is due. An aborted wait leaves the queue and takes no token.
 */
import { setMaxListeners } from 'node:events';
import type { Clock } from './clock';

export interface BucketLimit {
  ratePerSecond: number;
  /** Tokens available at once (bucket size). */
  burst: number;
}

/** Priority levels a bucket serves: 0 (first) .. LEVELS-1 (last). */
const LEVELS = 3;
const DEFAULT_LEVEL = 1;

interface Waiter {
  resolve(): void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/** FIFO with O(1) take from the front (a resync can queue thousands of takers). */
class WaiterQueue {
  private items: Waiter[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(w: Waiter): void {
    this.items.push(w);
  }

  shift(): Waiter | undefined {
    if (this.head >= this.items.length) return undefined;
    const w = this.items[this.head++];
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return w;
  }

  remove(w: Waiter): boolean {
    const i = this.items.indexOf(w, this.head);
    if (i < 0) return false;
    this.items.splice(i, 1);
    return true;
  }
}

export class TokenBucket {
  private tokens: number;
  private lastMs: number;
  private rate: number;
  private readonly queues: WaiterQueue[] = Array.from({ length: LEVELS }, () => new WaiterQueue());
  private waitingCount = 0;
  private timer?: AbortController;

  constructor(
    private readonly clock: Clock,
    private readonly limit: BucketLimit,
  ) {
    if (!(limit.ratePerSecond > 0) || !(limit.burst >= 1)) {
      throw new Error(`creating token bucket: rate must be > 0 and burst >= 1 (got ${limit.ratePerSecond}/s, burst ${limit.burst})`);
    }
    this.tokens = limit.burst;
    this.rate = limit.ratePerSecond;
    this.lastMs = clock.nowMs();
  }

  /**
   * Add the tokens due since the last look. While takers wait, every token that came due went to
   * one of them (in real time the queue is served as tokens arrive), so the burst cap applies only
   * to what is left once the queue is empty: a clock that jumps far still serves that many takers.
   */
  private refill(): void {
    const now = this.clock.nowMs();
    if (now > this.lastMs) {
      const tokens = this.tokens + ((now - this.lastMs) * this.rate) / 1000;
      this.tokens = this.waitingCount > 0 ? tokens : Math.min(this.limit.burst, tokens);
      this.lastMs = now;
    }
  }

  /** Tokens available now. */
  available(): number {
    this.refill();
    return this.tokens;
  }

  /** Takers queued for a token. */
  waiting(): number {
    return this.waitingCount;
  }

  /** The current refill rate (tokens per second). */
  ratePerSecond(): number {
    return this.rate;
  }

  /** Change the refill rate from now on; waiting takers are rescheduled on the new rate. */
  setRate(ratePerSecond: number): void {
    if (!(ratePerSecond > 0)) throw new Error(`setting token bucket rate: must be > 0 (got ${ratePerSecond})`);
    this.refill();
    this.rate = ratePerSecond;
    this.cancelTimer();
    this.pump();
  }

  /** Empty the bucket (the server said it is out of tokens); takers wait for the refill. */
  drain(): void {
    this.refill();
    this.tokens = Math.min(this.tokens, 0);
    this.cancelTimer();
    this.pump();
  }

  /** Take a token if one is free now and nobody waits, without waiting. */
  tryTake(): boolean {
    this.refill();
    if (this.waitingCount > 0 || this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Take a token, waiting on the clock if none is free. `priority` 0 is served first (default 1). */
  take(signal?: AbortSignal, priority = DEFAULT_LEVEL): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.tryTake()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const queue = this.queues[Math.min(LEVELS - 1, Math.max(0, Math.floor(priority)))];
      const waiter: Waiter = { resolve, signal };
      if (signal) {
        waiter.onAbort = () => {
          if (queue.remove(waiter) && --this.waitingCount === 0) this.tokens = Math.min(this.limit.burst, this.tokens);
          reject(signal.reason);
        };
        // Many calls of one reconcile may wait on the same signal at once; each listener leaves
        // when its token is served, so this is not a leak (Node warns above 10 by default).
        setMaxListeners(0, signal);
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      queue.push(waiter);
      this.waitingCount++;
      this.pump();
    });
  }

  /** Serve waiting takers while there are tokens, then sleep until the next token is due. */
  private pump(): void {
    this.refill();
    while (this.waitingCount > 0 && this.tokens >= 1) {
      const waiter = this.queues.find((q) => q.length > 0)!.shift()!;
      this.waitingCount--;
      this.tokens -= 1;
      if (waiter.onAbort) waiter.signal!.removeEventListener('abort', waiter.onAbort);
      waiter.resolve();
    }
    if (this.waitingCount === 0) {
      this.tokens = Math.min(this.limit.burst, this.tokens);
      return this.cancelTimer();
    }
    if (this.timer) return;
    const timer = new AbortController();
    this.timer = timer;
    const waitMs = Math.max(1, Math.ceil(((1 - this.tokens) * 1000) / this.rate));
    this.clock.sleep(waitMs, timer.signal).then(
      () => {
        if (this.timer !== timer) return;
        this.timer = undefined;
        this.pump();
      },
      () => undefined,
    );
  }

  private cancelTimer(): void {
    this.timer?.abort();
    this.timer = undefined;
  }
}
