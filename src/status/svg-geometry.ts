/** Geometry for the timeline SVG: scales, step edges, axis ticks, XML escaping. Pure. */

export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface Scale {
  x: (seconds: number) => number;
  y: (value: number) => number;
}

export function makeScale(box: Box, spanSeconds: number, yMax: number): Scale {
  return {
    x: (s) => box.left + (Math.max(0, Math.min(spanSeconds, s)) / spanSeconds) * box.width,
    y: (v) => box.top + box.height - (v / yMax) * box.height,
  };
}

export function num(n: number): string {
  return String(Math.round(n * 10) / 10);
}

export function pointsAttr(points: Array<[number, number]>): string {
  return points.map(([x, y]) => `${num(x)},${num(y)}`).join(' ');
}

/**
 * Vertices of a step line: each value holds from its sample time to the next (the last to `end`).
 * `times` are seconds from the start, ascending.
 */
export function stepPoints(times: number[], values: number[], end: number, scale: Scale): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  times.forEach((t, i) => {
    const next = i + 1 < times.length ? times[i + 1] : end;
    out.push([scale.x(t), scale.y(values[i])], [scale.x(next), scale.y(values[i])]);
  });
  return out;
}

/** A closed area between two step lines (`upper` forward, `lower` back). */
export function areaPath(upper: Array<[number, number]>, lower: Array<[number, number]>): string {
  if (!upper.length) return '';
  const all = [...upper, ...[...lower].reverse()];
  return `M${all.map(([x, y]) => `${num(x)},${num(y)}`).join(' L')} Z`;
}

const TICK_STEPS = [5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 43200, 86400];

/** Tick positions (seconds) at a round step giving at most `maxTicks` + 1 ticks. */
export function timeTicks(spanSeconds: number, maxTicks = 8): number[] {
  const step = TICK_STEPS.find((s) => spanSeconds / s <= maxTicks) ?? Math.ceil(spanSeconds / maxTicks);
  const ticks: number[] = [];
  for (let t = 0; t <= spanSeconds + 1e-9; t += step) ticks.push(t);
  return ticks;
}

export function valueTicks(yMax: number): number[] {
  const step = Math.max(1, Math.ceil(yMax / 5));
  const ticks: number[] = [];
  for (let v = 0; v <= yMax; v += step) ticks.push(v);
  return ticks;
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]);
}
