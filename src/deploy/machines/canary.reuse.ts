/**
 * The canary reuses the swap's states for what they share (cut-over, keepPrevious, deleting
 * blue, re-deriving from the world, the post-cut-over rollback): the swap's own config with
 * its `#swap…` targets pointed at the canary's. Before cut-over, `#swap.rollback` lands on
 * the canary's router, which sends traffic back to blue the canary's way.
 */

export function canaryTargetOf(id: string): string {
  if (id === '#swap.rollback') return '#canary.rollback';
  if (id.startsWith('#swap.rollback.')) return `#canary.swapRollback.${id.slice('#swap.rollback.'.length)}`;
  return `#canary${id.slice('#swap'.length)}`;
}

/** A deep copy of a piece of swap config with every `#swap…` target retargeted; functions are kept as they are. */
export function retarget<T>(node: T): T {
  if (typeof node === 'string') return (node.startsWith('#swap') ? canaryTargetOf(node) : node) as T;
  if (typeof node === 'function' || node === null || typeof node !== 'object') return node;
  if (Array.isArray(node)) return node.map((n) => retarget(n)) as T;
  return Object.fromEntries(Object.entries(node as Record<string, unknown>).map(([k, v]) => [k, retarget(v)])) as T;
}

export function pick(from: Record<string, any>, keys: string[]): Record<string, any> {
  const out: Record<string, any> = {};
  for (const k of keys) {
    if (!(k in from)) throw new Error(`building the canary machine: the swap machine has no state ${k}`);
    out[k] = retarget(from[k]);
  }
  return out;
}
