/** CloudWatch GetMetricData and GetMetricStatistics over the series the load model publishes (traffic.ts). */
import { SimCore } from '../core';
import { HandlerMap } from '../handler';
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

function getMetricData(sim: SimCore, input: any) {
  const queries = (input.MetricDataQueries ?? []) as Query[];
  if (!queries.length || queries.length > 500) throw invalid(sim, 'The parameter MetricDataQueries must contain between 1 and 500 queries.');
  const start = time(sim, input.StartTime, 'StartTime');
  const end = time(sim, input.EndTime, 'EndTime');
  if (end <= start) throw invalid(sim, 'The parameter StartTime must be less than the parameter EndTime.');
  const ids = new Set<string>();
  const results = queries.map((q, i) => {
    const field = `MetricDataQueries.member.${i + 1}`;
    if (!q.Id || !/^[a-z][a-zA-Z0-9_]*$/.test(q.Id)) throw invalid(sim, `The value ${q.Id} for parameter ${field}.Id is not valid: it must start with a lowercase letter and contain only letters, numbers and underscores.`);
    if (ids.has(q.Id)) throw invalid(sim, `The value ${q.Id} for parameter ${field}.Id is used more than once.`);
    ids.add(q.Id);
    if (q.Expression !== undefined) throw invalid(sim, `${field}.Expression: metric math is not modelled by the simulated account; query the metrics and compute in the caller.`);
    const stat = q.MetricStat;
    if (!stat?.Metric?.Namespace || !stat.Metric.MetricName) throw sim.error('CloudWatch', 'MissingParameter', `The parameter ${field}.MetricStat.Metric is required.`);
    if (!stat.Stat || !isStatistic(stat.Stat)) throw invalid(sim, `The value ${stat.Stat} for parameter ${field}.MetricStat.Stat is not a supported statistic.`);
    const period = checkPeriod(sim, stat.Period, `${field}.MetricStat.Period`);
    const series = findSeries(sim, stat.Metric.Namespace, stat.Metric.MetricName, dims(stat.Metric.Dimensions));
    const unitOk = !stat.Unit || !series || stat.Unit === series.unit;
    const points = unitOk ? periods(series, start, end, period).map((p) => ({ t: p.t, v: statistic(p.samples, stat.Stat!) })) : [];
    if (input.ScanBy !== 'TimestampAscending') points.reverse();
    return { q, result: { Id: q.Id, Label: q.Label ?? stat.Metric.MetricName, Timestamps: points.map((p) => sim.date(p.t)), Values: points.map((p) => p.v), StatusCode: 'Complete' } };
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
