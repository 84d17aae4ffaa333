/**
 * The account's AWS rate budgets: one TokenBucket per service and class of action (the table in
 * rate-table.ts), each with adaptive backoff (AIMD). A throttle from AWS halves the bucket's rate
 * (at most once per `cooldownMs`, so one burst of throttles is one decrease), down to a floor of
 * `floorFraction` of the table's rate, and empties the bucket; every successful call adds
 * `increaseFraction` of the table's rate back, up to the table's rate. Takers pass a priority
 * (util/priority): deployments first, resync observation last.
 */
import type { Clock } from '../util/clock';
import { PRIORITY_LEVEL, type CallPriority } from '../util/priority';
import { TokenBucket, type BucketLimit } from '../util/token-bucket';
import { FALLBACK_CLASSES, resolveRateTable, type RateTable, type RateTableOverrides } from './rate-table';

export interface AimdOptions {
  /** Multiplier on a throttle. Default 0.5. */
  decrease: number;
  /** The rate never drops below this fraction of the table's rate. Default 0.1. */
  floorFraction: number;
  /** Fraction of the table's rate added back per successful call. Default 0.01. */
  increaseFraction: number;
  /** Throttles within this long of a decrease do not decrease again. Default 1 s. */
  cooldownMs: number;
}

export const DEFAULT_AIMD: AimdOptions = { decrease: 0.5, floorFraction: 0.1, increaseFraction: 0.01, cooldownMs: 1_000 };

export interface AwsRateBudgetsOptions {
  /** Per service and class overrides of the AWS table. */
  limits?: RateTableOverrides;
  aimd?: Partial<AimdOptions>;
}

export interface BucketRate {
  service: string;
  class: string;
  ratePerSecond: number;
  defaultRatePerSecond: number;
}

interface Budget {
  bucket: TokenBucket;
  limit: BucketLimit;
  lastDecreaseMs: number;
}

export class AwsRateBudgets {
  private readonly table: RateTable;
  private readonly aimd: AimdOptions;
  private readonly budgets = new Map<string, Budget>();
  private readonly throttleCounts = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    opts: AwsRateBudgetsOptions = {},
  ) {
    this.table = resolveRateTable(opts.limits);
    this.aimd = { ...DEFAULT_AIMD, ...opts.aimd };
    for (const [service, classes] of Object.entries(this.table)) for (const cls of Object.keys(classes)) this.budget(service, cls);
  }

  private budget(service: string, cls: string): Budget {
    const key = `${service}\u0000${cls}`;
    let b = this.budgets.get(key);
    if (!b) {
      const limit = this.table[service]?.[cls] ?? FALLBACK_CLASSES[cls] ?? FALLBACK_CLASSES.read;
      b = { bucket: new TokenBucket(this.clock, limit), limit, lastDecreaseMs: -Infinity };
      this.budgets.set(key, b);
    }
    return b;
  }

  /** Wait for a token of `service`/`cls`, served by `priority`. */
  take(service: string, cls: string, priority: CallPriority = 'normal', signal?: AbortSignal): Promise<void> {
    return this.budget(service, cls).bucket.take(signal, PRIORITY_LEVEL[priority]);
  }

  /** AWS throttled a call of `service`/`cls`: multiplicative decrease (once per cooldown). */
  throttled(service: string, cls: string): void {
    this.throttleCounts.set(service, (this.throttleCounts.get(service) ?? 0) + 1);
    const b = this.budget(service, cls);
    const now = this.clock.nowMs();
    if (now - b.lastDecreaseMs < this.aimd.cooldownMs) return;
    b.lastDecreaseMs = now;
    const floor = b.limit.ratePerSecond * this.aimd.floorFraction;
    b.bucket.setRate(Math.max(floor, b.bucket.ratePerSecond() * this.aimd.decrease));
    b.bucket.drain();
  }

  /** A call of `service`/`cls` went through: additive increase back toward the table's rate. */
  succeeded(service: string, cls: string): void {
    const b = this.budget(service, cls);
    const rate = b.bucket.ratePerSecond();
    if (rate >= b.limit.ratePerSecond) return;
    b.bucket.setRate(Math.min(b.limit.ratePerSecond, rate + b.limit.ratePerSecond * this.aimd.increaseFraction));
  }

  /** The current rate of `service`/`cls`. */
  rate(service: string, cls: string): number {
    return this.budget(service, cls).bucket.ratePerSecond();
  }

  /** Tokens available now in `service`/`cls`. */
  available(service: string, cls: string): number {
    return this.budget(service, cls).bucket.available();
  }

  /** Every bucket's current and table rate (for the metrics). */
  rates(): BucketRate[] {
    return [...this.budgets].map(([key, b]) => {
      const [service, cls] = key.split('\u0000');
      return { service, class: cls, ratePerSecond: b.bucket.ratePerSecond(), defaultRatePerSecond: b.limit.ratePerSecond };
    });
  }

  /** Throttles AWS returned, per service, over the budgets' lifetime. */
  throttles(): Array<{ service: string; count: number }> {
    return [...this.throttleCounts].map(([service, count]) => ({ service, count }));
  }
}
