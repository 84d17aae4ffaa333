/**
 * The account's CloudWatch metric series: one datapoint per virtual minute, kept for
 * `metricRetentionMs`, and the statistics CloudWatch computes over them per period.
 */
import { SimCore } from '../core';
import { MetricSample, MetricSeries, MetricStore, StoredSample } from '../state-elbv2';

export type Dimension = { Name: string; Value: string };

export const MINUTE = 60_000;

export function metricStore(sim: SimCore): MetricStore {
  if (!sim.state.metrics) sim.state.metrics = { nextAt: Math.floor(sim.now() / MINUTE) * MINUTE + MINUTE, series: {} };
  return sim.state.metrics;
}

/** Series are matched on namespace, name and the exact set of dimensions (as CloudWatch does). */
export function seriesKey(namespace: string, name: string, dimensions: Dimension[]): string {
  const dims = [...dimensions].sort((a, b) => a.Name.localeCompare(b.Name)).map((d) => `${d.Name}=${d.Value}`);
  return [namespace, name, ...dims].join('|');
}

export function putSample(sim: SimCore, namespace: string, name: string, dimensions: Dimension[], unit: string, sample: MetricSample): void {
  const store = metricStore(sim);
  const key = seriesKey(namespace, name, dimensions);
  const series = (store.series[key] ??= { namespace, name, dimensions: dimensions.map((d) => ({ ...d })), unit, samples: [] });
  series.samples.push(pack(sample));
}

const round = (v: number) => Math.round(v * 1e6) / 1e6;

function pack(s: MetricSample): StoredSample {
  if (!s.dist && s.n === 1 && s.min === s.sum && s.max === s.sum) return [s.t, round(s.sum)];
  return [s.t, round(s.sum), round(s.n), round(s.min), round(s.max), (s.dist ?? []).map(([v, w]) => [round(v), round(w)])];
}

function unpack(s: StoredSample): MetricSample {
  if (s.length === 2) return { t: s[0], sum: s[1], n: 1, min: s[1], max: s[1] };
  return { t: s[0], sum: s[1], n: s[2], min: s[3], max: s[4], ...(s[5].length ? { dist: s[5] } : {}) };
}

/** A count datapoint for the minute starting at `t` (CloudWatch: one report of `value`). */
export function countSample(t: number, value: number): MetricSample {
  return { t, sum: value, n: 1, min: value, max: value };
}

/** A datapoint from weighted values (each a share of `n` samples), e.g. response times of `n` requests. */
export function distSample(t: number, dist: Array<[number, number]>): MetricSample {
  const merged = new Map<number, number>();
  for (const [v, w] of dist) if (w > 0) merged.set(v, (merged.get(v) ?? 0) + w);
  const pairs = [...merged.entries()].sort((a, b) => a[0] - b[0]);
  const n = pairs.reduce((s, [, w]) => s + w, 0);
  return { t, sum: pairs.reduce((s, [v, w]) => s + v * w, 0), n, min: pairs[0]?.[0] ?? 0, max: pairs[pairs.length - 1]?.[0] ?? 0, dist: pairs };
}

export function dropOld(sim: SimCore): void {
  const store = sim.state.metrics;
  if (!store) return;
  const oldest = sim.now() - sim.timings.metricRetentionMs;
  for (const [key, s] of Object.entries(store.series)) {
    const keep = s.samples.findIndex((x) => x[0] >= oldest);
    if (keep === -1) delete store.series[key];
    else if (keep > 0) s.samples.splice(0, keep);
  }
}

export function findSeries(sim: SimCore, namespace: string, name: string, dimensions: Dimension[]): MetricSeries | undefined {
  return sim.state.metrics?.series[seriesKey(namespace, name, dimensions)];
}

/** `Sum`, `Average`, `Minimum`, `Maximum`, `SampleCount` and percentiles `p99`, `p99.9`. */
export function isStatistic(stat: string): boolean {
  return ['Sum', 'Average', 'Minimum', 'Maximum', 'SampleCount'].includes(stat) || /^p\d{1,2}(\.\d+)?$|^p100$/.test(stat);
}

function percentile(samples: MetricSample[], q: number): number {
  const pairs = samples.flatMap((s) => s.dist ?? [[s.sum / Math.max(1, s.n), s.n] as [number, number]]).sort((a, b) => a[0] - b[0]);
  const total = pairs.reduce((s, [, w]) => s + w, 0);
  let seen = 0;
  for (const [v, w] of pairs) {
    seen += w;
    if (seen >= q * total - 1e-9) return v;
  }
  return pairs[pairs.length - 1]?.[0] ?? 0;
}

export function statistic(samples: MetricSample[], stat: string): number {
  const sum = samples.reduce((s, x) => s + x.sum, 0);
  const n = samples.reduce((s, x) => s + x.n, 0);
  switch (stat) {
    case 'Sum':
      return sum;
    case 'SampleCount':
      return n;
    case 'Average':
      return n ? sum / n : 0;
    case 'Minimum':
      return Math.min(...samples.map((x) => x.min));
    case 'Maximum':
      return Math.max(...samples.map((x) => x.max));
    default:
      return percentile(samples, Number(stat.slice(1)) / 100);
  }
}

/** The series' samples in [start, end), grouped into periods from StartTime on (each stamped with its start), oldest first. */
export function periods(series: MetricSeries | undefined, startMs: number, endMs: number, periodSec: number): Array<{ t: number; samples: MetricSample[] }> {
  const size = Math.max(1, periodSec) * 1000;
  const buckets = new Map<number, MetricSample[]>();
  for (const s of (series?.samples ?? []).map(unpack)) {
    if (s.t < startMs || s.t >= endMs) continue;
    const t = startMs + Math.floor((s.t - startMs) / size) * size;
    const list = buckets.get(t) ?? [];
    list.push(s);
    buckets.set(t, list);
  }
  return [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([t, samples]) => ({ t, samples }));
}
