/** CloudWatch GetMetricData (with simple metric math) and GetMetricStatistics over the series the load model publishes (traffic.ts). */
import { SimCore } from '../core';
import { HandlerMap } from '../handler';
import { MathError, Series, evaluate } from './metric-math';
import { Dimension, findSeries, isStatistic, periods, statistic } from './metric-store';

function invalid(sim: SimCore, message: string): Error {
  return sim.error('CloudWatch', 'InvalidParameterValue', message);
}

function time(sim: SimCore, value: unknown, field: string): number {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value * 1000 : Date.parse(String(value));
  if (value === undefined) throw sim.error('CloudWatch', 'MissingParameter', `The parameter ${field} is required.`);
  if (!Number.isFinite(ms)) throw invalid(sim, `The parameter ${field} must be a valid timestamp.`);
  return ms;
}

function checkPeriod(sim: SimCore, period: unknown, field: string): number {
  const p = Number(period);
  if (!([1, 5, 10, 30].includes(p) || (p >= 60 && p % 60 === 0))) throw invalid(sim, `The parameter ${field} must be 1, 5, 10, 30, or a multiple of 60.`);
  return p;
}

function dims(list: any[] | undefined): Dimension[] {
  return (list ?? []).map((d) => ({ Name: String(d.Name), Value: String(d.Value) }));
}

interface Query {
  Id?: string;
  Label?: string;
  ReturnData?: boolean;
  Expression?: string;
  MetricStat?: { Metric?: { Namespace?: string; MetricName?: string; Dimensions?: any[] }; Period?: number; Stat?: string; Unit?: string };
}

function metricStatSeries(sim: SimCore, q: Query, field: string, start: number, end: number): { series: Series; period: number } {
  const stat = q.MetricStat;
  if (!stat?.Metric?.Namespace || !stat.Metric.MetricName) throw sim.error('CloudWatch', 'MissingParameter', `The parameter ${field}.MetricStat.Metric is required.`);
  if (!stat.Stat || !isStatistic(stat.Stat)) throw invalid(sim, `The value ${stat.Stat} for parameter ${field}.MetricStat.Stat is not a supported statistic.`);
  const period = checkPeriod(sim, stat.Period, `${field}.MetricStat.Period`);
  const found = findSeries(sim, stat.Metric.Namespace, stat.Metric.MetricName, dims(stat.Metric.Dimensions));
  const unitOk = !stat.Unit || !found || stat.Unit === found.unit;
  const rows = unitOk ? periods(found, start, end, period) : [];
  return { series: new Map(rows.map((p) => [p.t, statistic(p.samples, stat.Stat!)])), period };
}

function getMetricData(sim: SimCore, input: any) {
  const queries = (input.MetricDataQueries ?? []) as Query[];
  if (!queries.length || queries.length > 500) throw invalid(sim, 'The parameter MetricDataQueries must contain between 1 and 500 queries.');
  const start = time(sim, input.StartTime, 'StartTime');
  const end = time(sim, input.EndTime, 'EndTime');
  if (end <= start) throw invalid(sim, 'The parameter StartTime must be less than the parameter EndTime.');
  const byId = new Map<string, { q: Query; field: string }>();
  queries.forEach((q, i) => {
    const field = `MetricDataQueries.member.${i + 1}`;
    if (!q.Id || !/^[a-z][a-zA-Z0-9_]*$/.test(q.Id)) throw invalid(sim, `The value ${q.Id} for parameter ${field}.Id is not valid: it must start with a lowercase letter and contain only letters, numbers and underscores.`);
    if (byId.has(q.Id)) throw invalid(sim, `The value ${q.Id} for parameter ${field}.Id is used more than once.`);
    if ((q.Expression === undefined) === (q.MetricStat === undefined)) throw invalid(sim, `${field} must have exactly one of MetricStat and Expression.`);
    byId.set(q.Id, { q, field });
  });
  const stats = [...byId.values()].filter((x) => x.q.MetricStat).map((x) => ({ id: x.q.Id!, ...metricStatSeries(sim, x.q, x.field, start, end) }));
  const period = Math.max(60, ...stats.map((x) => x.period));
  const grid = Array.from({ length: Math.ceil((end - start) / (period * 1000)) }, (_, k) => start + k * period * 1000);
  const values = new Map<string, number | Series>(stats.map((x) => [x.id, x.series]));
  const resolving = new Set<string>();
  const resolve = (id: string): number | Series => {
    const known = values.get(id);
    if (known !== undefined) return known;
    const entry = byId.get(id);
    if (!entry || resolving.has(id)) throw new MathError(entry ? `${id} refers to itself` : `unknown identifier ${id}`);
    resolving.add(id);
    try {
      values.set(id, evaluate(entry.q.Expression!, { lookup: resolve, grid }));
    } catch (err) {
      if (err instanceof MathError) throw invalid(sim, `Error in expression ${id} (${entry.q.Expression}): ${err.message}`);
      throw err;
    }
    return values.get(id)!;
  };
  const results = queries.map((q) => {
    const v = resolve(q.Id!);
    const points = (typeof v === 'number' ? grid.map((t) => [t, v] as [number, number]) : [...v.entries()]).sort((a, b) => a[0] - b[0]);
    if (input.ScanBy !== 'TimestampAscending') points.reverse();
    const label = q.Label ?? q.MetricStat?.Metric?.MetricName ?? q.Id;
    return { q, result: { Id: q.Id, Label: label, Timestamps: points.map(([t]) => sim.date(t)), Values: points.map(([, x]) => x), StatusCode: 'Complete' } };
  });
  return { MetricDataResults: results.filter((r) => r.q.ReturnData !== false).map((r) => r.result), Messages: [] };
}

const STATS = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'];

function getMetricStatistics(sim: SimCore, input: any) {
  for (const f of ['Namespace', 'MetricName', 'StartTime', 'EndTime', 'Period']) {
    if (input[f] === undefined) throw sim.error('CloudWatch', 'MissingParameter', `The parameter ${f} is required.`);
  }
  const statistics: string[] = input.Statistics ?? [];
  const extended: string[] = input.ExtendedStatistics ?? [];
  if (!statistics.length && !extended.length) throw sim.error('CloudWatch', 'MissingParameter', 'Must specify either Statistics or ExtendedStatistics.');
  if (statistics.length && extended.length) throw sim.error('CloudWatch', 'InvalidParameterCombination', 'Statistics and ExtendedStatistics cannot both be specified.');
  const bad = statistics.find((s) => !STATS.includes(s)) ?? extended.find((s) => !/^p/.test(s) || !isStatistic(s));
  if (bad) throw invalid(sim, `The value ${bad} for parameter Statistics/ExtendedStatistics is not valid.`);
  const start = time(sim, input.StartTime, 'StartTime');
  const end = time(sim, input.EndTime, 'EndTime');
  const period = checkPeriod(sim, input.Period, 'Period');
  const asked = Math.ceil((end - start) / (period * 1000));
  if (asked > 1440) throw sim.error('CloudWatch', 'InvalidParameterCombination', `You have requested up to ${asked.toLocaleString('en-US')} datapoints, which exceeds the limit of 1,440.`);
  const series = findSeries(sim, input.Namespace, input.MetricName, dims(input.Dimensions));
  const unit = series?.unit ?? 'None';
  const rows = input.Unit && input.Unit !== unit ? [] : periods(series, start, end, period);
  return {
    Label: input.MetricName,
    Datapoints: rows.map((p) => ({
      Timestamp: sim.date(p.t),
      ...Object.fromEntries(statistics.map((s) => [s, statistic(p.samples, s)])),
      ...(extended.length ? { ExtendedStatistics: Object.fromEntries(extended.map((s) => [s, statistic(p.samples, s)])) } : {}),
      Unit: unit,
    })),
  };
}

export const METRIC_HANDLERS: HandlerMap = {
  GetMetricData: getMetricData,
  GetMetricStatistics: getMetricStatistics,
};
