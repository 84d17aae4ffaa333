/**
 * Canary analysis, pure: the GetMetricData queries a run needs (as plain data), the verdict of
 * each check from their results, and the tally across runs that honours each failureLimit.
 * A run measures green over the last whole `period` before now; a relative check measures blue
 * over the same window with the same query.
 */
import type {
  AnalysisCheck, AnalysisRun, AnalysisSide, AnalysisSides, AnalysisTally, AnalysisVerdict, CheckMeasurement, MetricQuery, MetricQueryPlan, MetricResults,
} from '../model/analysis';

const MINUTE = 60_000;
type SideName = 'green' | 'blue';

/** Which side field a placeholder resolves to, by the dimension's name. */
const SIDE_FIELD: Record<string, keyof AnalysisSide> = {
  TargetGroup: 'targetGroup',
  LoadBalancer: 'loadBalancer',
  LoadBalancerName: 'loadBalancer',
  AutoScalingGroupName: 'group',
};

/** The check's dimensions with `{green}` / `{blue}` resolved; `measured` replaces `{green}` (blue's baseline measures blue). */
export function resolveDimensions(check: AnalysisCheck, sides: AnalysisSides, measured: SideName): { dims: Array<{ name: string; value: string }> } | { problem: string } {
  const dims: Array<{ name: string; value: string }> = [];
  for (const [name, raw] of Object.entries(check.dimensions)) {
    const m = /^\{(green|blue)\}$/.exec(raw);
    if (!m) {
      dims.push({ name, value: raw });
      continue;
    }
    const side: SideName = m[1] === 'green' ? measured : 'blue';
    const field = SIDE_FIELD[name];
    const value = field ? sides[side][field] : undefined;
    if (!field) return { problem: `dimension ${name} cannot take {${m[1]}} (only TargetGroup, LoadBalancer, LoadBalancerName, AutoScalingGroupName)` };
    if (!value) return { problem: `${side} has no ${field} for dimension ${name}` };
    dims.push({ name, value });
  }
  return { dims };
}

/** Query id of one check's value on one side (GetMetricData ids start with a lowercase letter). */
export function valueId(index: number, side: SideName): string {
  return `c${index}${side === 'green' ? 'g' : 'b'}`;
}

function sideQueries(check: AnalysisCheck, index: number, dims: Array<{ name: string; value: string }>, side: SideName): MetricQuery[] {
  const id = valueId(index, side);
  const stat = (name: string, statistic: string) => ({ namespace: check.namespace, name, dimensions: dims, statistic, periodSeconds: check.periodSeconds });
  if (!check.ratio) return [{ id, metric: stat(check.metric, check.statistic), label: `${check.name} (${side})`, returnData: true }];
  const num = check.missingAsZero ? `FILL(${id}n, 0)` : `${id}n`;
  return [
    { id: `${id}n`, metric: stat(check.metric, check.statistic), returnData: false },
    { id: `${id}d`, metric: stat(check.ratio.metric, check.ratio.statistic ?? check.statistic), returnData: false },
    { id, expression: `${num} / ${id}d * ${check.ratio.scale}`, label: `${check.name} (${side})`, returnData: true },
  ];
}

function sameDims(a: Array<{ name: string; value: string }>, b: Array<{ name: string; value: string }>): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Why a check cannot be measured with these sides, or undefined. */
export function unmeasurable(check: AnalysisCheck, sides: AnalysisSides): string | undefined {
  const green = resolveDimensions(check, sides, 'green');
  if ('problem' in green) return green.problem;
  if (!check.maxRelative) return undefined;
  const blue = resolveDimensions(check, sides, 'blue');
  if ('problem' in blue) return blue.problem;
  if (sameDims(green.dims, blue.dims)) return 'green and blue share one series here (e.g. one Classic ELB); a threshold relative to blue cannot tell them apart';
  return undefined;
}

/** Checks due at `nowMs`: never measured, or measured at least `interval` ago. */
export function dueChecks(checks: AnalysisCheck[], tally: AnalysisTally, nowMs: number): AnalysisCheck[] {
  return checks.filter((c) => {
    const last = tally.checks[c.name]?.lastAtMs;
    return last === undefined || nowMs - last >= c.intervalSeconds * 1000;
  });
}

/** The end of a run's window: the last whole minute before now (CloudWatch's load balancer metrics are per minute). */
export function windowEnd(nowMs: number): number {
  return Math.floor(nowMs / MINUTE) * MINUTE;
}

/**
 * The GetMetricData requests for `checks` (ids indexed by position in `checks`): one per distinct
 * period, each over that period's window, so metric math lines up on the same datapoints.
 */
export function buildMetricQueries(checks: AnalysisCheck[], sides: AnalysisSides, nowMs: number): MetricQueryPlan[] {
  const endMs = windowEnd(nowMs);
  const byPeriod = new Map<number, MetricQuery[]>();
  checks.forEach((check, i) => {
    if (unmeasurable(check, sides)) return;
    const queries = byPeriod.get(check.periodSeconds) ?? [];
    for (const side of check.maxRelative ? (['green', 'blue'] as const) : (['green'] as const)) {
      const resolved = resolveDimensions(check, sides, side);
      if ('dims' in resolved) queries.push(...sideQueries(check, i, resolved.dims, side));
    }
    byPeriod.set(check.periodSeconds, queries);
  });
  return [...byPeriod.entries()].map(([period, queries]) => ({ queries, startMs: endMs - period * 1000, endMs }));
}

/** The value of one side over the check's own window (its last whole period), or undefined for no data. */
function sideValue(check: AnalysisCheck, results: MetricResults, id: string, endMs: number): number | undefined {
  const from = endMs - check.periodSeconds * 1000;
  const points = (results[id] ?? []).filter((p) => p.t >= from && p.t < endMs && Number.isFinite(p.value));
  if (points.length) return points[points.length - 1].value;
  return check.missingAsZero && !check.ratio ? 0 : undefined;
}

const fmt = (v: number) => String(Math.round(v * 1000) / 1000);

function measure(check: AnalysisCheck, index: number, sides: AnalysisSides, results: MetricResults, endMs: number): Omit<CheckMeasurement, 'failures' | 'failureLimit'> {
  const base = { name: check.name };
  const problem = unmeasurable(check, sides);
  if (problem) return { ...base, verdict: 'inconclusive', message: problem };
  const green = sideValue(check, results, valueId(index, 'green'), endMs);
  if (green === undefined) return { ...base, verdict: 'inconclusive', message: 'no data for green yet' };
  if (check.maxRelative) {
    const blue = sideValue(check, results, valueId(index, 'blue'), endMs);
    if (blue === undefined) return { ...base, green, verdict: 'inconclusive', message: 'no data for blue to compare with' };
    const { factor, plus } = check.maxRelative;
    const limit = factor * blue + plus;
    const verdict = green <= limit ? 'pass' : 'fail';
    const rel = verdict === 'pass' ? '≤' : '>';
    return { ...base, green, blue, limit, verdict, message: `green ${fmt(green)} ${rel} ${fmt(factor)} × blue ${fmt(blue)} + ${fmt(plus)} = ${fmt(limit)}` };
  }
  const limit = check.max ?? Infinity;
  const verdict = green <= limit ? 'pass' : 'fail';
  return { ...base, green, limit, verdict, message: `green ${fmt(green)} ${verdict === 'pass' ? '≤' : '>'} max ${fmt(limit)}` };
}

export function emptyTally(): AnalysisTally {
  return { runs: 0, checks: {} };
}

/** Worst first: any fail, else any inconclusive, else pass (no checks at all is inconclusive). */
export function combineVerdicts(verdicts: AnalysisVerdict[]): AnalysisVerdict {
  if (verdicts.includes('fail')) return 'fail';
  if (!verdicts.length || verdicts.includes('inconclusive')) return 'inconclusive';
  return 'pass';
}

/**
 * Judge one run of `checks` (those due; the indexes of buildMetricQueries) from the query results
 * (the window ending at `endMs`) and fold it into the tally. A check fails the analysis when its failures exceed its failureLimit.
 */
export function evaluateRun(checks: AnalysisCheck[], sides: AnalysisSides, results: MetricResults, endMs: number, previous: AnalysisTally = emptyTally()): AnalysisRun {
  const tally: AnalysisTally = { runs: previous.runs + 1, checks: { ...previous.checks } };
  const measured = checks.map((check, i) => {
    const m = measure(check, i, sides, results, endMs);
    const before = tally.checks[check.name] ?? { failures: 0, measurements: 0 };
    const after = { failures: before.failures + (m.verdict === 'fail' ? 1 : 0), measurements: before.measurements + 1, lastAtMs: endMs };
    tally.checks[check.name] = after;
    return { ...m, failures: after.failures, failureLimit: check.failureLimit };
  });
  const run = combineVerdicts(measured.map((m) => m.verdict));
  const overLimit = measured.some((m) => m.failures > m.failureLimit);
  const verdict: AnalysisVerdict = overLimit ? 'fail' : run === 'pass' ? 'pass' : 'inconclusive';
  return { run, verdict, checks: measured, tally };
}
