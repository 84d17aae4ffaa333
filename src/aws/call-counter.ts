/**
 * Counts every AWS call the clients send, by read/mutating and outcome. The recording
 * middleware in clients.ts feeds it; `measure` attributes calls to one unit of work (a
 * reconcile) even when several run concurrently.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface CallRecord {
  service: string;
  operation: string;
  readOnly: boolean;
  /** `ok`, or the error class / code the call failed with. */
  outcome: string;
}

export interface CallTotals {
  read: number;
  mutating: number;
}

export interface CallSnapshot extends CallTotals {
  errors: number;
  /** `Service:Operation` -> count. */
  byOperation: Record<string, number>;
}

/**
 * One storage for every counter: Node keeps an AsyncLocalStorage alive once it has run, and
 * each one slows every new promise, so a counter per client set would pile up in tests and soaks.
 * Scopes are keyed by counter.
 */
const scopes = new AsyncLocalStorage<Map<CallCounter, CallRecord[][]>>();

/** Recent records kept for `list()` (tests, debugging); counts never depend on this window. */
const RECENT_CAP = 1_000;

/** How many calls one service, operation and outcome made since the counter was created. */
export interface CallCount {
  service: string;
  operation: string;
  outcome: string;
  count: number;
}

export class CallCounter {
  private recent: CallRecord[] = [];
  private totalsSoFar: CallSnapshot = emptySnapshot();
  /** Every call ever recorded, one entry per service/operation/outcome; `reset()` leaves it alone. */
  private readonly lifetime = new Map<string, CallCount>();

  record(call: CallRecord): void {
    this.recent.push(call);
    if (this.recent.length > RECENT_CAP) this.recent.splice(0, this.recent.length - RECENT_CAP);
    add(this.totalsSoFar, call);
    this.countForever(call);
    for (const scope of scopes.getStore()?.get(this) ?? []) scope.push(call);
  }

  /** Everything since the last reset (not bounded by the recent-records window). */
  snapshot(): CallSnapshot {
    return { ...this.totalsSoFar, byOperation: { ...this.totalsSoFar.byOperation } };
  }

  totals(): CallTotals {
    const { read, mutating } = this.totalsSoFar;
    return { read, mutating };
  }

  /** The most recent calls since the last reset (at most RECENT_CAP), oldest first. */
  list(): CallRecord[] {
    return [...this.recent];
  }

  /**
   * Every call since the counter was created, by service, operation and outcome: monotonic and
   * unbounded by any window or `reset()`, as Prometheus counters need.
   */
  lifetimeCounts(): CallCount[] {
    return [...this.lifetime.values()].map((c) => ({ ...c }));
  }

  /** Forget the recent records and the totals (not the lifetime counts). */
  reset(): void {
    this.recent = [];
    this.totalsSoFar = emptySnapshot();
  }

  private countForever(call: CallRecord): void {
    const key = `${call.service}:${call.operation}:${call.outcome}`;
    const entry = this.lifetime.get(key);
    if (entry) entry.count++;
    else this.lifetime.set(key, { service: call.service, operation: call.operation, outcome: call.outcome, count: 1 });
  }

  /** Run `fn`, returning its result and the calls it made (and nothing from concurrent work). Nests. */
  async measure<T>(fn: () => Promise<T>): Promise<{ result: T; calls: CallSnapshot }> {
    const mine: CallRecord[] = [];
    const outer = scopes.getStore();
    const next = new Map(outer ?? []);
    next.set(this, [...(outer?.get(this) ?? []), mine]);
    const result = await scopes.run(next, fn);
    return { result, calls: summarize(mine) };
  }
}

function emptySnapshot(): CallSnapshot {
  return { read: 0, mutating: 0, errors: 0, byOperation: {} };
}

function add(s: CallSnapshot, r: CallRecord): void {
  if (r.readOnly) s.read++;
  else s.mutating++;
  if (r.outcome !== 'ok') s.errors++;
  const key = `${r.service}:${r.operation}`;
  s.byOperation[key] = (s.byOperation[key] ?? 0) + 1;
}

export function summarize(records: CallRecord[]): CallSnapshot {
  const s = emptySnapshot();
  for (const r of records) add(s, r);
  return s;
}
