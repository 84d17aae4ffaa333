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

/** Recent records kept for `list()` (metrics drain them); totals are counted separately. */
const RECENT_CAP = 10_000;

export class CallCounter {
  private recent: CallRecord[] = [];
  private totalsSoFar: CallSnapshot = emptySnapshot();

  record(call: CallRecord): void {
    this.recent.push(call);
    if (this.recent.length > RECENT_CAP) this.recent.splice(0, this.recent.length - RECENT_CAP);
    add(this.totalsSoFar, call);
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

  reset(): void {
    this.recent = [];
    this.totalsSoFar = emptySnapshot();
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
