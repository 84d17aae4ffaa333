/**
 * Who is asking, for the AWS rate budgets: a deployment step's calls are served before anything
 * else waiting on the same bucket, and a resync's observation after everything else, so a swap
 * never queues behind a large fleet's resync. The priority rides the async context: a caller
 * runs its work in `withPriority`, and every AWS call made inside (however deep) carries it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export type CallPriority = 'deploy' | 'normal' | 'resync';

/** Lower is served first. */
export const PRIORITY_LEVEL: Record<CallPriority, number> = { deploy: 0, normal: 1, resync: 2 };

const storage = new AsyncLocalStorage<CallPriority>();

/** Run `fn` (and every async continuation it starts) at `priority`. The innermost call wins. */
export function withPriority<T>(priority: CallPriority, fn: () => T): T {
  return storage.run(priority, fn);
}

/** The priority of the current async context; `normal` outside any `withPriority`. */
export function currentPriority(): CallPriority {
  return storage.getStore() ?? 'normal';
}

/** Wrap every function property of `ports` so each call runs at `priority` (the rest is copied). */
export function withPriorityPorts<T extends object>(priority: CallPriority, ports: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(ports)) {
    out[key] = typeof value === 'function' ? (...args: unknown[]) => withPriority(priority, () => (value as (...a: unknown[]) => unknown).apply(ports, args)) : value;
  }
  return out as T;
}
