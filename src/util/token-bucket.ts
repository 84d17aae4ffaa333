/**
 * Token buckets on the injected clock. `AwsRateBudget` holds drover's AWS calls under account
 * limits: about 20 describes/s and 5 mutations/s by default. Takers reserve tokens in arrival
 * order; a taker that must wait sleeps on the clock until its token is due.
 */
import type { Clock } from './clock';

export interface BucketLimit {
  ratePerSecond: number;
  /** Tokens available at once (bucket size). */
  burst: number;
}

export class TokenBucket {
  private tokens: number;
  private lastMs: number;

  constructor(
    private readonly clock: Clock,
    private readonly limit: BucketLimit,
  ) {
    if (!(limit.ratePerSecond > 0) || !(limit.burst >= 1)) {
      throw new Error(`creating token bucket: rate must be > 0 and burst >= 1 (got ${limit.ratePerSecond}/s, burst ${limit.burst})`);
    }
    this.tokens = limit.burst;
    this.lastMs = clock.nowMs();
  }

  private refill(): void {
    const now = this.clock.nowMs();
    if (now > this.lastMs) {
      this.tokens = Math.min(this.limit.burst, this.tokens + ((now - this.lastMs) * this.limit.ratePerSecond) / 1000);
      this.lastMs = now;
    }
  }

  /** Tokens available now (negative while takers are waiting on reservations). */
  available(): number {
    this.refill();
    return this.tokens;
  }

  /** Take a token if one is free now, without waiting. */
  tryTake(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Take a token, waiting on the clock if none is free. An aborted wait gives its token back. */
  take(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    this.refill();
    this.tokens -= 1;
    if (this.tokens >= 0) return Promise.resolve();
    const waitMs = Math.ceil((-this.tokens * 1000) / this.limit.ratePerSecond);
    return this.clock.sleep(waitMs, signal).catch((err) => {
      this.tokens += 1;
      throw err;
    });
  }
}

export type AwsCallKind = 'read' | 'mutate';

export const DEFAULT_AWS_RATES: Record<AwsCallKind, BucketLimit> = {
  read: { ratePerSecond: 20, burst: 20 },
  mutate: { ratePerSecond: 5, burst: 5 },
};

/** The global AWS call budget, one bucket per kind of call. */
export class AwsRateBudget {
  private readonly buckets: Record<AwsCallKind, TokenBucket>;

  constructor(clock: Clock, limits: Partial<Record<AwsCallKind, BucketLimit>> = {}) {
    this.buckets = {
      read: new TokenBucket(clock, limits.read ?? DEFAULT_AWS_RATES.read),
      mutate: new TokenBucket(clock, limits.mutate ?? DEFAULT_AWS_RATES.mutate),
    };
  }

  take(kind: AwsCallKind, signal?: AbortSignal): Promise<void> {
    return this.buckets[kind].take(signal);
  }

  available(kind: AwsCallKind): number {
    return this.buckets[kind].available();
  }
}
