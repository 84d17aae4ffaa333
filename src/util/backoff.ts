/**
 * Jittered exponential backoff. Per-key controller backoff runs from about 1 s to a 5 min cap;
 * the random source is injectable (seeded in tests) so delays are reproducible.
 */

export interface BackoffPolicy {
  /** Delay ceiling for the first failure. */
  baseMs: number;
  /** No delay exceeds this. */
  capMs: number;
  /** Fraction of the ceiling that is random, in [0, 1]: delay ∈ [ceiling·(1−jitter), ceiling]. */
  jitter: number;
}

/** The controller's per-key failure backoff: ~1 s, doubling, capped at 5 min. */
export const KEY_BACKOFF: BackoffPolicy = { baseMs: 1_000, capMs: 300_000, jitter: 0.2 };

/** The ceiling (before jitter) after `failures` consecutive failures (1-based). */
export function backoffCeilingMs(failures: number, policy: BackoffPolicy): number {
  const n = Math.max(1, Math.floor(failures));
  // Cap the exponent too, so a long failure streak never overflows to Infinity.
  return Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(n - 1, 52));
}

export function backoffDelayMs(failures: number, policy: BackoffPolicy = KEY_BACKOFF, random: () => number = Math.random): number {
  const ceiling = backoffCeilingMs(failures, policy);
  const jitter = Math.min(1, Math.max(0, policy.jitter));
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(ceiling * (1 - jitter) + r * ceiling * jitter);
}

/** A small deterministic PRNG (mulberry32) returning values in [0, 1). */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
