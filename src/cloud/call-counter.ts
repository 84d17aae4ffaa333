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

export class CallCounter {
  private records: CallRecord[] = [];
  private readonly scopes = new AsyncLocalStorage<CallRecord[][]>();

  record(call: CallRecord): void {
    this.records.push(call);
    for (const scope of this.scopes.getStore() ?? []) scope.push(call);
  }

  snapshot(): CallSnapshot {
    return summarize(this.records);
  }

  totals(): CallTotals {
    const { read, mutating } = this.snapshot();
    return { read, mutating };
  }

  /** Every call since the last reset, oldest first. */
  list(): CallRecord[] {
    return [...this.records];
  }

  reset(): void {
    this.records = [];
  }

  /** Run `fn`, returning its result and the calls it made (and nothing from concurrent work). Nests. */
  async measure<T>(fn: () => Promise<T>): Promise<{ result: T; calls: CallSnapshot }> {
    const mine: CallRecord[] = [];
    const result = await this.scopes.run([...(this.scopes.getStore() ?? []), mine], fn);
    return { result, calls: summarize(mine) };
  }
}

export function summarize(records: CallRecord[]): CallSnapshot {
  const byOperation: Record<string, number> = {};
  let read = 0;
  let errors = 0;
  for (const r of records) {
    if (r.readOnly) read++;
    if (r.outcome !== 'ok') errors++;
    const key = `${r.service}:${r.operation}`;
    byOperation[key] = (byOperation[key] ?? 0) + 1;
  }
  return { read, mutating: records.length - read, errors, byOperation };
}
