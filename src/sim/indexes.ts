/**
 * Lookup indexes over the simulated account's state (issue 14: a sim whose CPU per describe
 * call does not grow with the number of fleets). The state stays plain JSON, as persisted;
 * the indexes are derived from it, kept in memory only, and rebuilt lazily on first use after
 * anything may have added or re-tagged a record: every mutating call (account.ts) and every
 * lifecycle pass that changed something (tick.ts) bumps the version. Between those, records
 * can only disappear (an instance past its visibility, a group deleted by the lifecycle), so
 * callers treat what an index returns as candidates and check each against the state.
 *
 * Each bucket lists records in the state's own (insertion) order, and `rank` gives that order,
 * so an answer served from an index comes out in the same order as a scan of the whole state.
 */
import type { SimState } from './state';

export class SimIndexes {
  private version = 0;
  private built = new Map<string, { version: number; state: SimState; value: unknown }>();

  /** Something may have been created, re-tagged or re-pointed: rebuild on next use. */
  invalidate(): void {
    this.version++;
  }

  /** Bumped by every `invalidate`: equal generations mean nothing was created or changed between. */
  generation(): number {
    return this.version;
  }

  /** The index `key` over `state`, built by `build` unless a current one exists. */
  get<T>(state: SimState, key: string, build: (state: SimState) => T): T {
    const hit = this.built.get(key);
    if (hit && hit.version === this.version && hit.state === state) return hit.value as T;
    const value = build(state);
    this.built.set(key, { version: this.version, state, value });
    return value;
  }
}

/** Records by a tag `key\u0000value`, plus each record's position in the state's order. */
export interface TagIndex<T> {
  byTag: Map<string, T[]>;
  rank: Map<T, number>;
}

export function tagKey(key: string, value: string): string {
  return `${key}\u0000${value}`;
}

export function buildTagIndex<T>(records: Iterable<T>, tags: (r: T) => Iterable<[string, string]>): TagIndex<T> {
  const byTag = new Map<string, T[]>();
  const rank = new Map<T, number>();
  let n = 0;
  for (const r of records) {
    rank.set(r, n++);
    for (const [k, v] of tags(r)) {
      const key = tagKey(k, v);
      const bucket = byTag.get(key);
      if (bucket) {
        if (bucket[bucket.length - 1] !== r) bucket.push(r); // a record listing the same pair twice
      } else byTag.set(key, [r]);
    }
  }
  return { byTag, rank };
}

/**
 * Candidates carrying tag `key` with one of `values` (exact values only), in state order;
 * undefined when the values use wildcards (the caller scans instead).
 */
export function tagCandidates<T>(index: TagIndex<T>, key: string, values: string[]): T[] | undefined {
  if (values.some((v) => /[*?]/.test(v))) return undefined;
  const seen = new Set<T>();
  for (const v of values) for (const r of index.byTag.get(tagKey(key, v)) ?? []) seen.add(r);
  const out = [...seen];
  if (values.length > 1) out.sort((a, b) => (index.rank.get(a) ?? 0) - (index.rank.get(b) ?? 0));
  return out;
}

/** Records picked by key (duplicates and missing keys dropped), in the state's order. */
export function pickInOrder<T>(records: Record<string, T>, keys: string[], rank: () => Map<string, number>): T[] {
  const unique = [...new Set(keys)].filter((k) => Object.prototype.hasOwnProperty.call(records, k));
  if (unique.length > 1) {
    const r = rank();
    unique.sort((a, b) => (r.get(a) ?? 0) - (r.get(b) ?? 0));
  }
  return unique.map((k) => records[k]);
}

/** Positions of the keys of a record map, in its insertion order. */
export function keyRank(records: Record<string, unknown>): Map<string, number> {
  return new Map(Object.keys(records).map((k, i) => [k, i]));
}
