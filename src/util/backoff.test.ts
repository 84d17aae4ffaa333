import { backoffCeilingMs, backoffDelayMs, KEY_BACKOFF, seededRandom } from './backoff';

describe('backoff', () => {
  it('doubles from the base up to the cap', () => {
    expect([1, 2, 3, 4].map((n) => backoffCeilingMs(n, KEY_BACKOFF))).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(backoffCeilingMs(9, KEY_BACKOFF)).toBe(256_000);
    expect(backoffCeilingMs(10, KEY_BACKOFF)).toBe(300_000);
    expect(backoffCeilingMs(10_000, KEY_BACKOFF)).toBe(300_000);
  });

  it('jitters within [ceiling·(1−jitter), ceiling]', () => {
    expect(backoffDelayMs(3, KEY_BACKOFF, () => 0)).toBe(3_200);
    expect(backoffDelayMs(3, KEY_BACKOFF, () => 0.999999)).toBe(4_000);
    const rnd = seededRandom(3);
    for (let i = 0; i < 200; i++) {
      const d = backoffDelayMs(5, { baseMs: 100, capMs: 1_000, jitter: 0.5 }, rnd);
      expect(d).toBeGreaterThanOrEqual(500);
      expect(d).toBeLessThanOrEqual(1_000);
    }
  });

  it('seeded random is deterministic and in [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const xs = Array.from({ length: 100 }, () => a());
    expect(xs).toEqual(Array.from({ length: 100 }, () => b()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Set(xs).size).toBe(100);
  });
});
