/**
 * A broken time axis for the timeline SVG. A swap is minutes of action followed by an hour of
 * soak or keepPrevious; drawn linearly the action is squeezed into the first few pixels. Long
 * phases (and any long gap between samples) are drawn at a fixed short width with a break mark,
 * and the rest of the width goes to the minutes where something happens. Pure.
 */
import { formatDuration } from '../util/clock';
import { num, timeTicks, type Box, type Scale } from './svg-geometry';

/** Phases that are waiting, not acting: compressed when longer than the threshold. */
export const LONG_PHASES = new Set(['soak', 'keepPrevious', 'drainBlue', 'scaleBlueToZero', 'pause', 'paused']);
/** Any stretch longer than this (seconds) is drawn broken. */
export const BREAK_THRESHOLD_SECONDS = 300;
/** Width (px) of a broken stretch, whatever its real duration. */
export const BREAK_WIDTH_PX = 40;

export interface AxisBreak {
  /** Seconds since the start. */
  t0: number;
  t1: number;
  x0: number;
  x1: number;
}

export interface BrokenScale extends Scale {
  breaks: AxisBreak[];
}

/** Stretches [t0, t1] to compress: long waiting phases and long gaps between samples. */
export function longStretches(times: number[], phases: string[], span: number, threshold = BREAK_THRESHOLD_SECONDS): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const end = (k: number) => (k + 1 < times.length ? times[k + 1] : span);
  for (let i = 0; i < times.length; ) {
    let j = i;
    while (j + 1 < times.length && phases[j + 1] === phases[i]) j++;
    if (LONG_PHASES.has(phases[i]) && end(j) - times[i] > threshold) out.push([times[i], end(j)]);
    else for (let k = i; k <= j; k++) if (end(k) - times[k] > threshold) out.push([times[k], end(k)]);
    i = j + 1;
  }
  return out;
}

/**
 * A piecewise-linear x scale: each stretch gets `breakPx`, the rest of the width is shared linearly
 * by the remaining seconds. Without stretches it is the plain linear scale.
 */
export function makeBrokenScale(box: Box, span: number, yMax: number, stretches: Array<[number, number]>, breakPx = BREAK_WIDTH_PX): BrokenScale {
  const brokenSeconds = stretches.reduce((a, [t0, t1]) => a + (t1 - t0), 0);
  const linearSeconds = Math.max(0, span - brokenSeconds);
  const fixedPx = Math.min(stretches.length * breakPx, box.width * (linearSeconds > 0 ? 0.5 : 1));
  const perBreak = stretches.length ? fixedPx / stretches.length : 0;
  const pxPerSecond = linearSeconds > 0 ? (box.width - fixedPx) / linearSeconds : 0;
  // Knots: (seconds, x) pairs, ascending; x is linear between knots.
  const knots: Array<[number, number]> = [[0, box.left]];
  const breaks: AxisBreak[] = [];
  let x = box.left;
  let t = 0;
  for (const [t0, t1] of stretches) {
    x += (t0 - t) * pxPerSecond;
    knots.push([t0, x]);
    breaks.push({ t0, t1, x0: x, x1: x + perBreak });
    x += perBreak;
    knots.push([t1, x]);
    t = t1;
  }
  knots.push([span, box.left + box.width]);
  const xOf = (seconds: number): number => {
    const s = Math.max(0, Math.min(span, seconds));
    for (let k = 1; k < knots.length; k++) {
      const [ta, xa] = knots[k - 1];
      const [tb, xb] = knots[k];
      if (s <= tb) return tb > ta ? xa + ((s - ta) / (tb - ta)) * (xb - xa) : xa;
    }
    return box.left + box.width;
  };
  return { x: xOf, y: (v) => box.top + box.height - (v / yMax) * box.height, breaks };
}

/** Tick times (seconds): round steps over the linear parts, none inside a break or crowding its edges. */
export function brokenTicks(sc: BrokenScale, span: number): number[] {
  const linear = span - sc.breaks.reduce((a, b) => a + (b.t1 - b.t0), 0);
  const step = timeTicks(Math.max(1, linear)).slice(0, 2);
  const every = step.length > 1 ? step[1] : span;
  const candidates = new Set<number>([0]);
  for (let t = 0; t <= span + 1e-9; t += every) candidates.add(t);
  for (const b of sc.breaks) candidates.add(b.t1);
  const out: number[] = [];
  let lastX = -Infinity;
  for (const t of [...candidates].sort((a, b) => a - b)) {
    const x = sc.x(t);
    if (sc.breaks.some((b) => t > b.t0 && t < b.t1)) continue;
    if (x - lastX < 34) continue;
    out.push(t);
    lastX = x;
  }
  return out;
}

/** Hatched backgrounds of the broken stretches (drawn under the capacity lines). */
export function breakBands(sc: BrokenScale, box: Box): string {
  return sc.breaks.map((b) => `<rect class="axis-break-band" x="${num(b.x0)}" y="${box.top}" width="${num(b.x1 - b.x0)}" height="${box.height}" fill="url(#break-hatch)"><title>axis broken: ${formatDuration(b.t1 - b.t0)} drawn short</title></rect>`).join('\n');
}

/** A double-slash break mark on the x axis of each broken stretch, and its real duration as a label. */
export function breakMarks(sc: BrokenScale, box: Box): string {
  const bottom = box.top + box.height;
  return sc.breaks.map((b) => {
    const mid = (b.x0 + b.x1) / 2;
    const cy = box.top + box.height / 2;
    const text = formatDuration(b.t1 - b.t0);
    const slash = (dx: number) => `<line x1="${num(mid + dx - 4)}" y1="${bottom + 5}" x2="${num(mid + dx + 4)}" y2="${bottom - 5}" stroke="#374151" stroke-width="1.5"/>`;
    return [
      `<g class="axis-break"><title>axis broken: ${text} drawn short</title>`,
      `<rect x="${num(mid - 7)}" y="${bottom - 5}" width="14" height="10" fill="#ffffff"/>`,
      slash(-3), slash(3),
      `<text class="break-label" x="${num(mid + 4)}" y="${num(cy)}" font-size="10" text-anchor="middle" fill="#374151" transform="rotate(-90 ${num(mid + 4)} ${num(cy)})">${text} (axis broken)</text>`,
      '</g>',
    ].join('');
  }).join('\n');
}

export const BREAK_PATTERN = '<pattern id="break-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff" fill-opacity="0.55"/><line x1="3" y1="0" x2="3" y2="6" stroke="#9ca3af" stroke-width="1.5"/></pattern>';
