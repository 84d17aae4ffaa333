import { brokenTicks, longStretches, makeBrokenScale } from './timeline-axis';

const box = { left: 0, top: 0, width: 400, height: 100 };

describe('broken time axis', () => {
  it('compresses long waiting phases whole and any other long gap between samples', () => {
    const times = [0, 60, 120, 180, 3780, 3800];
    const phases = ['a', 'b', 'soak', 'soak', 'b', 'keepPrevious'];
    expect(longStretches(times, phases, 3800)).toEqual([[120, 3780]]);
    expect(longStretches([0, 10, 20, 30], ['x', 'soak', 'soak', 'y'], 4000)).toEqual([[30, 4000]]);
    expect(longStretches([0, 10, 400, 410], ['x', 'soak', 'soak', 'y'], 420)).toEqual([[10, 410]]);
    expect(longStretches([0, 100, 200], ['soak', 'soak', 'done'], 250)).toEqual([]);
  });

  it('gives each break a fixed width and the rest of the plot to the linear seconds, continuous and monotonic', () => {
    const sc = makeBrokenScale(box, 3800, 10, [[180, 3780]], 40);
    expect(sc.breaks).toEqual([{ t0: 180, t1: 3780, x0: expect.closeTo(180 * 360 / 200), x1: expect.closeTo(180 * 360 / 200 + 40) }]);
    expect(sc.x(0)).toBe(0);
    expect(sc.x(3800)).toBeCloseTo(400);
    const xs = [0, 90, 180, 1000, 3780, 3790, 3800].map(sc.x);
    xs.slice(1).forEach((x, i) => expect(x).toBeGreaterThanOrEqual(xs[i]));
    expect(brokenTicks(sc, 3800).some((t) => t > 180 && t < 3780)).toBe(false);
  });

  it('is the plain linear scale without breaks', () => {
    const sc = makeBrokenScale(box, 200, 10, []);
    expect(sc.x(50)).toBeCloseTo(100);
    expect(sc.breaks).toEqual([]);
  });
});
