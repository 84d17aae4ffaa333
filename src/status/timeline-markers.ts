/**
 * Markers on the timeline SVG: rollbacks, cut-over, pauses, canary weight steps and analysis
 * verdicts, each a vertical tick with its kind written in its label and its own dash pattern and
 * glyph, so colour is never the only cue. timeline-history.ts reads them from what the fleet
 * recorded; this file draws them. Pure.
 */
import { formatDuration } from '../util/clock';
import { escapeXml, num, type Box, type Scale } from './svg-geometry';

export type MarkerKind = 'setWeight' | 'pause' | 'analysis' | 'rollback' | 'cutover';

export interface TimelineMarker {
  /** Epoch milliseconds. */
  atMs: number;
  kind: MarkerKind;
  label: string;
  verdict?: 'pass' | 'fail' | 'inconclusive';
  /** Pauses: when the pause ended (epoch ms), drawn as a bracket. */
  endMs?: number;
}

export const MARKER_COLORS: Record<MarkerKind, string> = {
  rollback: '#b91c1c', cutover: '#7c3aed', setWeight: '#0e7490', pause: '#b45309', analysis: '#374151',
};
export const VERDICT_COLORS = { pass: '#15803d', fail: '#b91c1c', inconclusive: '#6b7280' } as const;
const DASH: Record<MarkerKind, string> = { rollback: '', cutover: '6 3', setWeight: '2 3', pause: '', analysis: '5 2 1 2' };

function colorOf(m: TimelineMarker): string {
  return m.kind === 'analysis' && m.verdict ? VERDICT_COLORS[m.verdict] : MARKER_COLORS[m.kind];
}

function textOf(m: TimelineMarker): string {
  const kind = m.kind === 'analysis' && !/analysis/i.test(m.label) ? `analysis ${m.label}` : m.label;
  return m.verdict && !kind.includes(m.verdict) ? `${kind}: ${m.verdict}` : kind;
}

/** A small shape at the top of the tick, different per kind. */
function glyph(m: TimelineMarker, x: number, y: number, color: string): string {
  switch (m.kind) {
    case 'rollback': return `<path d="M${num(x - 5)},${y - 6} L${num(x + 5)},${y - 6} L${num(x)},${y + 2} Z" fill="${color}"/>`;
    case 'cutover': return `<path d="M${num(x)},${y - 7} L${num(x + 5)},${y - 2} L${num(x)},${y + 3} L${num(x - 5)},${y - 2} Z" fill="${color}"/>`;
    case 'setWeight': return `<circle cx="${num(x)}" cy="${y - 2}" r="4" fill="#ffffff" stroke="${color}" stroke-width="2"/>`;
    case 'pause': return `<rect x="${num(x - 4)}" y="${y - 7}" width="3" height="9" fill="${color}"/><rect x="${num(x + 1)}" y="${y - 7}" width="3" height="9" fill="${color}"/>`;
    case 'analysis': return `<rect x="${num(x - 4)}" y="${y - 6}" width="8" height="8" fill="${m.verdict === 'pass' ? color : '#ffffff'}" stroke="${color}" stroke-width="2"/>`;
  }
}

/** Lane rows for labels, greedy: each label in the first row where it does not overlap, up to `maxRows`. */
function placeLabels(xs: number[], texts: string[], box: Box, maxRows: number): Array<{ row: number; anchor: 'start' | 'end' }> {
  const rowEnds: number[] = [];
  return xs.map((x, i) => {
    const w = texts[i].length * 6 + 10;
    const anchor = x + w > box.left + box.width ? 'end' : 'start';
    const [lo, hi] = anchor === 'start' ? [x, x + w] : [x - w, x];
    let row = rowEnds.findIndex((end) => end < lo);
    if (row < 0) row = rowEnds.length < maxRows ? rowEnds.length : rowEnds.indexOf(Math.min(...rowEnds));
    rowEnds[row] = hi;
    return { row, anchor };
  });
}

/** Rows the label lane has at least; more are added when labels would overlap, up to MARKER_MAX_ROWS. */
export const MARKER_LANE_ROWS = 3;
export const MARKER_MAX_ROWS = 8;
export const MARKER_ROW_PX = 11;

function layout(markers: TimelineMarker[], t0Ms: number, sc: Scale, box: Box) {
  const sorted = [...markers].sort((a, b) => a.atMs - b.atMs);
  const xs = sorted.map((m) => sc.x((m.atMs - t0Ms) / 1000));
  const texts = sorted.map(textOf);
  return { sorted, xs, texts, places: placeLabels(xs, texts, box, MARKER_MAX_ROWS) };
}

/** How many label rows the markers need (the x scale does not depend on the plot's top, so any top will do). */
export function markerRows(markers: TimelineMarker[], t0Ms: number, sc: Scale, box: Box): number {
  if (!markers.length) return 0;
  return Math.max(MARKER_LANE_ROWS, ...layout(markers, t0Ms, sc, box).places.map((p) => p.row + 1));
}

/** The markers drawn: ticks across the plot, glyphs on its top edge, labels in the lane above it. */
export function markersSvg(markers: TimelineMarker[], t0Ms: number, sc: Scale, box: Box): string {
  const { sorted, xs, texts, places } = layout(markers, t0Ms, sc, box);
  const bottom = box.top + box.height;
  return sorted.map((m, i) => {
    const x = xs[i];
    const color = colorOf(m);
    const labelY = box.top - 4 - places[i].row * MARKER_ROW_PX;
    const when = `+${formatDuration((m.atMs - t0Ms) / 1000)}`;
    const dash = DASH[m.kind] ? ` stroke-dasharray="${DASH[m.kind]}"` : '';
    const span = m.endMs !== undefined ? sc.x((m.endMs - t0Ms) / 1000) - x : 0;
    return [
      `<g class="marker marker-${m.kind}${m.verdict ? ` verdict-${m.verdict}` : ''}"><title>${escapeXml(`${textOf(m)} at ${when}`)}</title>`,
      span > 0.5 ? `<rect x="${num(x)}" y="${box.top}" width="${num(span)}" height="${box.height}" fill="${color}" fill-opacity="0.12"/>` : '',
      `<line x1="${num(x)}" y1="${box.top}" x2="${num(x)}" y2="${bottom}" stroke="${color}" stroke-width="2"${dash}/>`,
      glyph(m, x, box.top + 2, color),
      `<text class="marker-label" x="${num(places[i].anchor === 'start' ? x + 4 : x - 4)}" y="${labelY}" font-size="10" text-anchor="${places[i].anchor}" fill="${color}">${escapeXml(texts[i])}</text>`,
      '</g>',
    ].filter(Boolean).join('');
  }).join('\n');
}
