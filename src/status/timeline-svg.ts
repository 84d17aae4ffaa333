/**
 * A standalone SVG of one deployment: blue and green InService stacked as step areas, desired
 * capacity dashed on top (as recorded at each sample, so it moves when the fleet's own scaling
 * does), phases as labelled bands. If the stack's top edge never drops under the dashed line,
 * capacity never dipped below desired; the subtitle says so in words too.
 */
import type { DeploymentStatus, FleetEvent, TimelinePoint } from '../model/fleet-status';
import { formatDuration } from '../util/clock';
import { deploymentFleet } from './format';
import { areaPath, escapeXml, num, pointsAttr, stepPoints, valueTicks, type Box, type Scale } from './svg-geometry';
import { recordedMarkers } from './timeline-history';
import { MARKER_ROW_PX, markerRows, markersSvg, type TimelineMarker } from './timeline-markers';
import { BREAK_PATTERN, breakBands, breakMarks, brokenTicks, longStretches, makeBrokenScale, type BrokenScale } from './timeline-axis';

export interface SvgOptions {
  width?: number;
  height?: number;
  /**
   * The fleet's events: canary weight steps, analysis verdicts, the moment a rollback began are
   * read from those in the deployment's time window (without them, from its samples alone).
   */
  events?: FleetEvent[];
  /** More markers, beside those read from the recorded history. */
  markers?: TimelineMarker[];
}

const BLUE = '#2563eb';
const GREEN = '#16a34a';
const DESIRED = '#111827';
const BAND_FILLS = ['#f3f4f6', '#e5e7eb'];

interface Series {
  t0: number;
  pts: TimelinePoint[];
  times: number[];
  blue: number[];
  total: number[];
  /** Stack tops above the InService total: + green booting, then + blue draining. */
  booting: number[];
  draining: number[];
  hasTransit: boolean;
  desired: number[];
  /** What InService was owed at each sample (see `owedCapacity`): the dip judgement and the red area use it. */
  owed: number[];
  phases: string[];
  span: number;
}

function series(d: DeploymentStatus): Series {
  const pts: TimelinePoint[] = [...(d.timeline ?? [])].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const t0 = pts.length ? Math.min(Date.parse(pts[0].at), Date.parse(d.startedAt)) : Date.parse(d.startedAt);
  const lastAt = Math.max(pts.length ? Date.parse(pts[pts.length - 1].at) : t0, d.finishedAt ? Date.parse(d.finishedAt) : t0);
  const times = pts.map((p) => (Date.parse(p.at) - t0) / 1000);
  const total = pts.map((p) => p.blueInService + p.greenInService);
  const desired = pts.map((p) => p.desired);
  return {
    t0, pts, times, span: Math.max(1, (lastAt - t0) / 1000),
    blue: pts.map((p) => p.blueInService), total,
    booting: pts.map((p) => p.blueInService + p.greenInService + (p.greenBooting ?? 0)),
    draining: pts.map((p) => p.blueInService + p.greenInService + (p.greenBooting ?? 0) + (p.blueDraining ?? 0)),
    hasTransit: pts.some((p) => (p.greenBooting ?? 0) > 0 || (p.blueDraining ?? 0) > 0),
    desired, owed: owedCapacity(desired, total), phases: pts.map((p) => p.phase),
  };
}

/**
 * InService owed at each sample: the desired capacity recorded then, except that a rise (the
 * fleet's own scale-out) is owed only as far as capacity has come up to it, while a fall (a
 * scale-in) counts at once. A scale-out still booting is not a dip; losing capacity already
 * held is one, whatever desired did meanwhile.
 */
export function owedCapacity(desired: number[], total: number[]): number[] {
  const owed: number[] = [];
  desired.forEach((d, i) => {
    const before = i > 0 ? owed[i - 1] : d;
    owed.push(d <= before ? d : Math.min(d, Math.max(before, total[i])));
  });
  return owed;
}

/** Plain-words verdict on capacity: never below desired, or where it first dipped. */
export function capacityVerdict(s: Pick<Series, 'total' | 'owed' | 'times'>): { ok: boolean; text: string } {
  const dip = s.total.findIndex((v, i) => v < s.owed[i]);
  if (dip >= 0) return { ok: false, text: `InService dipped below desired: ${s.total[dip]} of ${s.owed[dip]} at +${formatDuration(s.times[dip])}` };
  const low = s.total.reduce((best, v, i) => (v - s.owed[i] < s.total[best] - s.owed[best] ? i : best), 0);
  return { ok: true, text: `InService never below desired (lowest: ${s.total[low]} InService, ${s.owed[low]} desired)` };
}

/** The label cut to fit a band (about 5.6px a character at 10px), or nothing below 3 characters. */
function fitLabel(text: string, widthPx: number): string | undefined {
  const room = Math.floor((widthPx - 4) / 5.6);
  if (room >= text.length) return text;
  return room >= 3 ? `${text.slice(0, room - 1)}…` : undefined;
}

function bands(s: Series, sc: Scale, box: Box): string {
  const out: string[] = [];
  for (let i = 0, n = 0; i < s.times.length; n++) {
    let j = i;
    while (j + 1 < s.times.length && s.phases[j + 1] === s.phases[i]) j++;
    const x0 = sc.x(s.times[i]);
    const x1 = sc.x(j + 1 < s.times.length ? s.times[j + 1] : s.span);
    i = j + 1;
    if (x1 - x0 < 0.5) continue;
    const title = escapeXml(s.phases[i - 1]);
    out.push(`<rect class="phase" x="${num(x0)}" y="${box.top}" width="${num(x1 - x0)}" height="${box.height}" fill="${BAND_FILLS[n % 2]}"><title>${title}</title></rect>`);
    const label = fitLabel(s.phases[i - 1], x1 - x0);
    if (label) out.push(`<text class="phase-label" x="${num(x0 + 3)}" y="${box.top + 12 + (n % 2) * 12}" font-size="10" fill="#4b5563">${escapeXml(label)}</text>`);
  }
  return out.join('\n');
}

function axes(s: Series, sc: BrokenScale, box: Box, yMax: number): string {
  const bottom = box.top + box.height;
  const x = brokenTicks(sc, s.span).map((t) => `<line x1="${num(sc.x(t))}" y1="${bottom}" x2="${num(sc.x(t))}" y2="${bottom + 4}" stroke="#6b7280"/><text x="${num(sc.x(t))}" y="${bottom + 16}" font-size="10" text-anchor="middle">${formatDuration(t)}</text>`);
  const y = valueTicks(yMax).map((v) => `<text x="${box.left - 6}" y="${num(sc.y(v) + 3)}" font-size="10" text-anchor="end">${v}</text>`);
  return [
    `<line x1="${box.left}" y1="${bottom}" x2="${box.left + box.width}" y2="${bottom}" stroke="#6b7280"/>`,
    `<line x1="${box.left}" y1="${box.top}" x2="${box.left}" y2="${bottom}" stroke="#6b7280"/>`,
    ...x, ...y,
    `<text x="${box.left + box.width / 2}" y="${bottom + 30}" font-size="11" text-anchor="middle">time since start${sc.breaks.length ? " (hatched: axis broken, real duration written)" : ""}</text>`,
    `<text x="12" y="${box.top + box.height / 2}" font-size="11" text-anchor="middle" transform="rotate(-90 12 ${box.top + box.height / 2})">instances InService</text>`,
  ].join('\n');
}

/** Red area wherever InService is under desired (empty when capacity held). */
function shortfall(s: Series, sc: Scale): string {
  if (!s.total.some((v, i) => v < s.owed[i])) return '';
  const floor = stepPoints(s.times, s.total.map((v, i) => Math.min(v, s.owed[i])), s.span, sc);
  const owed = stepPoints(s.times, s.owed, s.span, sc);
  return `<path class="shortfall" d="${areaPath(owed, floor)}" fill="#dc2626" fill-opacity="0.5"/>`;
}

function capacity(s: Series, sc: Scale): string {
  const zero = s.times.map(() => 0);
  const base = stepPoints(s.times, zero, s.span, sc);
  const blueTop = stepPoints(s.times, s.blue, s.span, sc);
  const totalTop = stepPoints(s.times, s.total, s.span, sc);
  const desired = stepPoints(s.times, s.desired, s.span, sc);
  const bootTop = stepPoints(s.times, s.booting, s.span, sc);
  const drainTop = stepPoints(s.times, s.draining, s.span, sc);
  return [
    s.booting.some((v, i) => v > s.total[i]) ? `<path class="area-booting" d="${areaPath(bootTop, totalTop)}" fill="url(#booting-hatch)" stroke="${GREEN}" stroke-width="1" stroke-dasharray="3 2"><title>green booting: launched, not yet InService</title></path>` : '',
    s.draining.some((v, i) => v > s.booting[i]) ? `<path class="area-draining" d="${areaPath(drainTop, bootTop)}" fill="url(#draining-hatch)" stroke="${BLUE}" stroke-width="1" stroke-dasharray="3 2"><title>blue draining: running, out of the load balancer</title></path>` : '',
    `<path class="area-blue" d="${areaPath(blueTop, base)}" fill="${BLUE}" fill-opacity="0.35"/>`,
    `<path class="area-green" d="${areaPath(totalTop, blueTop)}" fill="${GREEN}" fill-opacity="0.35"/>`,
    `<polyline class="line-blue" points="${pointsAttr(blueTop)}" fill="none" stroke="${BLUE}" stroke-width="2"/>`,
    `<polyline class="line-green" points="${pointsAttr(totalTop)}" fill="none" stroke="${GREEN}" stroke-width="2"/>`,
    shortfall(s, sc),
    `<polyline class="desired" points="${pointsAttr(desired)}" fill="none" stroke="${DESIRED}" stroke-width="1.5" stroke-dasharray="6 4"/>`,
  ].filter(Boolean).join('\n');
}

const TRANSIT_PATTERNS = [
  `<pattern id="booting-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="${GREEN}" fill-opacity="0.12"/><line x1="3" y1="0" x2="3" y2="6" stroke="${GREEN}" stroke-width="2"/></pattern>`,
  `<pattern id="draining-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)"><rect width="6" height="6" fill="${BLUE}" fill-opacity="0.12"/><line x1="3" y1="0" x2="3" y2="6" stroke="${BLUE}" stroke-width="2"/></pattern>`,
].join('');

function legend(x: number, y: number, s: Series): string {
  const booting = s.booting.some((v, i) => v > s.total[i]);
  const draining = s.draining.some((v, i) => v > s.booting[i]);
  const item = (dx: number, swatch: string, label: string) => `<g transform="translate(${x + dx} ${y})">${swatch}<text x="22" y="9" font-size="11">${label}</text></g>`;
  return [
    item(0, `<rect width="16" height="10" fill="${BLUE}" fill-opacity="0.6"/>`, 'blue InService'),
    item(120, `<rect width="16" height="10" fill="${GREEN}" fill-opacity="0.6"/>`, 'green InService (stacked)'),
    item(290, `<line x1="0" y1="5" x2="16" y2="5" stroke="${DESIRED}" stroke-width="1.5" stroke-dasharray="6 4"/>`, 'desired'),
    ...(booting ? [item(370, `<rect width="16" height="10" fill="url(#booting-hatch)" stroke="${GREEN}"/>`, 'green booting')] : []),
    ...(draining ? [item(booting ? 480 : 370, `<rect width="16" height="10" fill="url(#draining-hatch)" stroke="${BLUE}"/>`, 'blue draining')] : []),
  ].join('\n');
}

function title(d: DeploymentStatus): string {
  const gen = d.generation === undefined ? '' : ` generation ${d.generation}`;
  return `${deploymentFleet(d)}${gen}: ${d.kind} ${d.result}${d.reason ? ` (${d.reason})` : ''}`;
}

/** The picture in words, for screen readers and for anyone reading the file. */
function summary(s: Series, sc: BrokenScale, markers: TimelineMarker[], verdict: string): string {
  const phases = s.phases.filter((p, i) => i === 0 || p !== s.phases[i - 1]);
  const parts = [`Capacity over ${formatDuration(s.span)}: blue and green instances InService stacked against desired${s.hasTransit ? ', green booting and blue draining hatched above them' : ''}. ${verdict}.`];
  if (phases.length) parts.push(`Phases: ${phases.join(', ')}.`);
  const moves = s.desired.filter((d, i) => i > 0 && d !== s.desired[i - 1]).length;
  if (moves) parts.push(`Desired capacity moved ${moves} time${moves > 1 ? 's' : ''}, between ${Math.min(...s.desired)} and ${Math.max(...s.desired)}: ${s.desired.filter((d, i) => i === 0 || d !== s.desired[i - 1]).join(' → ')}.`);
  for (const b of sc.breaks) parts.push(`Axis broken from +${formatDuration(b.t0)} to +${formatDuration(b.t1)} (${formatDuration(b.t1 - b.t0)} drawn short).`);
  for (const m of [...markers].sort((a, b) => a.atMs - b.atMs)) parts.push(`${m.kind} at +${formatDuration((m.atMs - s.t0) / 1000)}: ${m.label}${m.verdict ? ` (${m.verdict})` : ''}.`);
  return parts.join(' ');
}

export function renderTimelineSvg(deployment: DeploymentStatus, opts: SvgOptions = {}): string {
  const width = opts.width ?? 800;
  const height = opts.height ?? 360;
  const s = series(deployment);
  const markers = s.times.length ? [...recordedMarkers(deployment, s.pts, s.t0 + s.span * 1000, opts.events), ...(opts.markers ?? [])] : [];
  const yMax = Math.max(1, ...s.draining, ...s.desired) + 1;
  const boxAt = (top: number): Box => ({ left: 44, top, width: width - 44 - 16, height: height - top - 44 });
  const stretches = longStretches(s.times, s.phases, s.span);
  // The label lane grows with the labels it must hold apart; x does not depend on the plot's top.
  const top = 72 + markerRows(markers, s.t0, makeBrokenScale(boxAt(72), s.span, yMax, stretches), boxAt(72)) * MARKER_ROW_PX;
  const box = boxAt(top);
  const sc = makeBrokenScale(box, s.span, yMax, stretches);
  const verdict = s.times.length ? capacityVerdict(s) : { ok: true, text: 'no timeline samples recorded' };
  const body = s.times.length ? [bands(s, sc, box), breakBands(sc, box), capacity(s, sc), breakMarks(sc, box), markersSvg(markers, s.t0, sc, box)].filter(Boolean).join('\n') : '';
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<title>${escapeXml(title(deployment))}</title>`,
    `<desc>${escapeXml(summary(s, sc, markers, verdict.text))}</desc>`,
    `<defs>${BREAK_PATTERN}${TRANSIT_PATTERNS}</defs>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${box.left}" y="20" font-size="14" font-weight="bold">${escapeXml(title(deployment))}</text>`,
    `<text class="verdict" x="${box.left}" y="38" font-size="12" fill="${verdict.ok ? GREEN : '#dc2626'}">${escapeXml(verdict.text)}</text>`,
    legend(box.left, 48, s),
    body,
    axes(s, sc, box, yMax),
    '</svg>',
    '',
  ].filter((l, i, a) => l !== '' || i === a.length - 1).join('\n');
}
