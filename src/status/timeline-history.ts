/**
 * The timeline's markers, read from what the fleet recorded, never made up: the deployment's
 * samples (phase, canary weight) and the fleet's events in the deployment's time window (the
 * phase events `SetWeight`, `RestoreTraffic`, `DeregisterBlue`…, the analysis verdicts, the
 * final `…RolledBack`). Events give the moment a step began; samples, taken on each observation,
 * give what held. Where an event is missing (the event list is capped), the sample stands. Pure.
 */
import type { DeploymentStatus, FleetEvent, TimelinePoint } from '../model/fleet-status';
import { formatDuration } from '../util/clock';
import type { TimelineMarker } from './timeline-markers';

const ROLLBACK_PHASES = new Set(['restoreBlue', 'restoreTraffic']);
const CUTOVER_PHASES = new Set(['deregisterBlue', 'drainBlue']);
/** A canary's timed pause (with its analyses), and a rollout held by an operator or by analysis. */
const PAUSE_PHASES = new Set(['pause', 'pauseAnalysis', 'paused', 'held']);
const VERDICTS: Record<string, TimelineMarker['verdict']> = { AnalysisPassed: 'pass', AnalysisFailed: 'fail', AnalysisInconclusive: 'inconclusive' };
const pascal = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

interface Recorded {
  d: DeploymentStatus;
  pts: TimelinePoint[];
  events: FleetEvent[];
  endMs: number;
}

const atOf = (p: TimelinePoint | FleetEvent) => Date.parse(p.at);

/** The first event of one of `reasons` in (afterMs, untilMs], if any. */
function eventAt(r: Recorded, reasons: Set<string>, afterMs = -Infinity, untilMs = r.endMs): number | undefined {
  const e = r.events.find((x) => reasons.has(x.reason) && atOf(x) > afterMs && atOf(x) <= untilMs);
  return e ? atOf(e) : undefined;
}

function earliest(...ms: Array<number | undefined>): number | undefined {
  const known = ms.filter((m): m is number => m !== undefined);
  return known.length ? Math.min(...known) : undefined;
}

function rollback(r: Recorded): TimelineMarker[] {
  const sampled = r.pts.find((p) => ROLLBACK_PHASES.has(p.phase));
  const entered = eventAt(r, new Set([...ROLLBACK_PHASES].map(pascal)));
  const ended = r.d.result === 'RolledBack' ? (eventAt(r, new Set([`${pascal(r.d.kind)}RolledBack`])) ?? (r.d.finishedAt ? Date.parse(r.d.finishedAt) : undefined)) : undefined;
  const at = earliest(sampled ? atOf(sampled) : undefined, entered) ?? ended;
  return at === undefined ? [] : [{ atMs: at, kind: 'rollback', label: `rollback: ${r.d.reason ?? 'rolled back'}` }];
}

function cutover(r: Recorded): TimelineMarker[] {
  const sampled = r.pts.find((p) => CUTOVER_PHASES.has(p.phase));
  const at = earliest(sampled ? atOf(sampled) : undefined, eventAt(r, new Set([...CUTOVER_PHASES].map(pascal))));
  return at === undefined ? [] : [{ atMs: at, kind: 'cutover', label: r.d.kind === 'canary' ? 'cut-over (weight 100 %)' : 'cut-over' }];
}

function pauses(r: Recorded): TimelineMarker[] {
  const out: TimelineMarker[] = [];
  const { pts } = r;
  for (let i = 0; i < pts.length; i++) {
    if (!PAUSE_PHASES.has(pts[i].phase)) continue;
    let j = i;
    while (j + 1 < pts.length && PAUSE_PHASES.has(pts[j + 1].phase)) j++;
    const start = eventAt(r, new Set(['Pause']), i > 0 ? atOf(pts[i - 1]) : -Infinity, atOf(pts[i])) ?? atOf(pts[i]);
    const end = j + 1 < pts.length ? atOf(pts[j + 1]) : r.endMs;
    const held = pts.slice(i, j + 1).some((p) => p.phase === 'paused' || p.phase === 'held');
    out.push({ atMs: start, endMs: end, kind: 'pause', label: `${held ? 'held' : 'pause'} ${formatDuration((end - start) / 1000)}` });
    i = j;
  }
  return out;
}

/** Each rise of the canary's weight between two samples, at the `SetWeight` event between them when there is one. */
function weights(r: Recorded, cutOver: boolean): TimelineMarker[] {
  const out: TimelineMarker[] = [];
  let last = 0;
  for (let i = 0; i < r.pts.length; i++) {
    const w = r.pts[i].weight;
    if (w === undefined) continue;
    if (w > last && !(w >= 100 && cutOver)) {
      const at = eventAt(r, new Set(['SetWeight']), i > 0 ? atOf(r.pts[i - 1]) : -Infinity, atOf(r.pts[i])) ?? atOf(r.pts[i]);
      out.push({ atMs: at, kind: 'setWeight', label: `weight ${w} %` });
    }
    last = w;
  }
  return out;
}

/** `check 5xx-rate: …; check 5xx-count: …` → `5xx-rate, 5xx-count`; a pass names its step instead. */
function analysisLabel(e: FleetEvent, verdict: TimelineMarker['verdict']): string {
  const where = e.message.match(/\(canary step (\d+) of \d+, weight (\d+) %\)$/);
  const step = where ? `step ${where[1]}, ${where[2]} %` : '';
  if (verdict === 'pass') return step || 'pass';
  const checks = [...e.message.matchAll(/(?:^|; )check ([^:;]+):/g)].map((m) => m[1]);
  return checks.length ? checks.join(', ') : step || e.reason;
}

function analyses(r: Recorded): TimelineMarker[] {
  return r.events.filter((e) => VERDICTS[e.reason]).map((e) => {
    const verdict = VERDICTS[e.reason];
    return { atMs: atOf(e), kind: 'analysis' as const, label: analysisLabel(e, verdict), verdict };
  });
}

/**
 * Markers of one deployment from its samples and the fleet's events between its start and its end
 * (`endMs`: when it finished, or its last sample). Events of other deployments fall outside that window.
 */
export function recordedMarkers(d: DeploymentStatus, pts: TimelinePoint[], endMs: number, events: FleetEvent[] = []): TimelineMarker[] {
  const startMs = Math.min(Date.parse(d.startedAt), pts.length ? atOf(pts[0]) : Infinity);
  const inWindow = events.filter((e) => atOf(e) >= startMs && atOf(e) <= endMs && (!d.fleet || e.fleet === d.fleet));
  const r: Recorded = { d, pts, events: inWindow, endMs };
  const cut = cutover(r);
  return [...rollback(r), ...cut, ...pauses(r), ...weights(r, cut.length > 0), ...analyses(r)];
}
