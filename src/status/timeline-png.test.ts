/**
 * The timeline as a user sees it: rendered to pixels with resvg, then checked by colour and place.
 * The pictures in docs/ come from a simulated run instead (test/demo.test.ts).
 */
import type { DeploymentStatus } from '../model/fleet-status';
import { columnsWithColor, rasterize, type Raster } from '../../test/support/svg-png';
import { abortedCanary, blueGreenSwap, rolledBackSwap } from '../../test/support/timeline-fixtures';
import { BREAK_WIDTH_PX } from './timeline-axis';
import { MARKER_COLORS, VERDICT_COLORS } from './timeline-markers';
import { renderTimelineSvg } from './timeline-svg';

/** The plot box, read from the y axis line and the x axis line of the SVG. */
function plot(svg: string): { left: number; right: number; top: number; bottom: number } {
  const [, left, top, bottom] = svg.match(/<line x1="([\d.]+)" y1="([\d.]+)" x2="\1" y2="([\d.]+)" stroke="#6b7280"\/>/)!.map(Number);
  const right = Number(svg.match(/<line x1="[\d.]+" y1="[\d.]+" x2="([\d.]+)" y2="[\d.]+" stroke="#6b7280"\/>/)![1]);
  return { left, right, top, bottom };
}

function phaseX(svg: string, phase: string): number {
  return Number(svg.match(new RegExp(`<rect class="phase" x="([\\d.]+)"[^>]*><title>${phase}<`))![1]);
}

/** Pixels of `color` inside a rectangle. */
function count(r: Raster, color: string, x0: number, x1: number, y0: number, y1: number): number {
  let n = 0;
  for (let y = Math.ceil(y0); y <= Math.floor(y1); y++) n += columnsWithColor(r, color, y, y).filter((x) => x >= x0 && x <= x1).length;
  return n;
}

describe('timeline picture, rendered', () => {
  it('shows the rollback marker in its colour at the rollback, and nowhere else in the plot', () => {
    const svg = renderTimelineSvg(rolledBackSwap());
    const p = plot(svg);
    const at = phaseX(svg, 'restoreBlue');
    const cols = columnsWithColor(rasterize(svg), MARKER_COLORS.rollback, p.top + 12, p.bottom - 2);
    expect(cols.length).toBeGreaterThan(0);
    expect(Math.min(...cols)).toBeGreaterThanOrEqual(at - 2);
    expect(Math.max(...cols)).toBeLessThanOrEqual(at + 2);
    // 10m30s of a 12m swap: past the middle of the plot even with the broken wait before it.
    expect(at).toBeGreaterThan((p.left + p.right) / 2);
  });

  it('draws an hour of keepPrevious as a narrow hatched band at the end, the swap across the rest', () => {
    const svg = renderTimelineSvg(blueGreenSwap());
    const p = plot(svg);
    const hatch = columnsWithColor(rasterize(svg), '#9ca3af', p.top + 30, p.top + 45, 22).filter((x) => x > p.left + 1);
    expect(hatch.length).toBeGreaterThan(5);
    expect(Math.min(...hatch)).toBeGreaterThanOrEqual(p.right - BREAK_WIDTH_PX - 1);
    expect(Math.max(...hatch)).toBeLessThanOrEqual(p.right + 1);
    // Cut-over (3m40s into 9m20s of action) lands in the first half, not in the first 2 % as before.
    expect(phaseX(svg, 'drainBlue')).toBeGreaterThan(p.left + (p.right - p.left) * 0.3);
  });

  it('shows booting green as a hatched band above InService, and nothing there without the field', () => {
    const d = blueGreenSwap();
    const svg = renderTimelineSvg(d);
    const p = plot(svg);
    // Booting 4 over InService 4 (y 4..8 of 9) while waiting for green, before any green is InService.
    const x0 = phaseX(svg, 'waitGreenHealthy') + 4;
    const x1 = x0 + 40;
    const y = (v: number) => p.bottom - (v / 9) * (p.bottom - p.top);
    const region = [x0, x1, y(7.5), y(4.5)] as const;
    expect(count(rasterize(svg), '#16a34a', ...region)).toBeGreaterThan(100);
    const bare: DeploymentStatus = { ...d, timeline: d.timeline!.map(({ greenBooting: _g, blueDraining: _b, ...rest }) => rest) };
    const bareSvg = renderTimelineSvg(bare);
    expect(plot(bareSvg)).toEqual(p);
    expect(count(rasterize(bareSvg), '#16a34a', ...region)).toBe(0);
  });

  it("draws a canary's recorded steps and verdicts in their own colours, at their times", () => {
    const { deployment, events } = abortedCanary();
    const svg = renderTimelineSvg(deployment, { events });
    const p = plot(svg);
    const raster = rasterize(svg);
    const tickX = (title: RegExp) => Number(svg.match(new RegExp(`<g class="marker[^"]*"><title>${title.source}</title>(?:<rect[^>]*/>)?<line x1="([\\d.]+)"`))![1]);
    for (const [title, color] of [[/weight 50 % at \+13m10s/, MARKER_COLORS.setWeight], [/analysis 5xx-rate, 5xx-count: fail at \+14m40s/, VERDICT_COLORS.fail]] as const) {
      const x = tickX(title);
      const cols = columnsWithColor(raster, color, p.top + 12, p.bottom - 2).filter((c) => Math.abs(c - x) <= 2);
      expect(cols.length).toBeGreaterThan(0);
    }
    // The weight rose before analysis failed: left to right in that order.
    expect(tickX(/weight 10 % at \+1m40s/)).toBeLessThan(tickX(/weight 50 % at \+13m10s/));
    expect(tickX(/weight 50 % at \+13m10s/)).toBeLessThan(tickX(/analysis 5xx-rate, 5xx-count: fail at \+14m40s/));
  });
});
