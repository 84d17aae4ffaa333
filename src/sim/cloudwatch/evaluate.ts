/**
 * Alarm evaluation at each Period boundary over the last EvaluationPeriods datapoints of the
 * group's CPU, or of a series the load model publishes (load balancer requests, 5xx, latency).
 * While in ALARM, Auto Scaling policy actions run every period (as AWS does).
 */
import { executePolicy } from '../autoscaling/policies';
import { SimCore } from '../core';
import { publishEvent } from '../lifecycle/events';
import { groupCpu } from '../lifecycle/load';
import { AlarmRec } from '../state';
import { alarmOut } from './alarms';
import { findSeries, periods, statistic } from './metric-store';

const WORDS: Record<string, string> = {
  GreaterThanOrEqualToThreshold: 'greater than or equal to',
  GreaterThanThreshold: 'greater than',
  LessThanThreshold: 'less than',
  LessThanOrEqualToThreshold: 'less than or equal to',
};

function breaches(a: AlarmRec, v: number): boolean {
  switch (a.comparison) {
    case 'GreaterThanOrEqualToThreshold':
      return v >= a.threshold;
    case 'GreaterThanThreshold':
      return v > a.threshold;
    case 'LessThanThreshold':
      return v < a.threshold;
    default:
      return v <= a.threshold;
  }
}

function sample(sim: SimCore, a: AlarmRec, evalAt: number): number | null {
  if (a.namespace !== 'AWS/EC2' || a.metric !== 'CPUUtilization') {
    const rows = periods(findSeries(sim, a.namespace, a.metric, a.dimensions), evalAt - a.period * 1000, evalAt, a.period);
    return rows.length ? Math.round(statistic(rows[0].samples, a.statistic) * 100) / 100 : null;
  }
  const group = a.dimensions.find((d) => d.Name === 'AutoScalingGroupName')?.Value;
  const v = groupCpu(sim, group ? sim.state.groups[group] : undefined, a.statistic);
  return v === undefined ? null : Math.round(v * 100) / 100;
}

function stamp(sim: SimCore, ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCFullYear() % 100)} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

type Verdict = { state: AlarmRec['state']; reason: string };

function judge(sim: SimCore, a: AlarmRec, evalAt: number): Verdict | undefined {
  const m = a.evaluationPeriods;
  const window = a.datapoints.slice(-m);
  const times = window.map((_, i) => evalAt - (window.length - 1 - i) * a.period * 1000);
  const present = window.map((v, i) => ({ v, t: times[i] })).filter((x): x is { v: number; t: number } => x.v !== null);
  const missing = m - present.length;
  const treat = a.treatMissingData ?? 'missing';
  const breaching = present.filter((x) => breaches(a, x.v)).length + (treat === 'breaching' ? missing : 0);
  const needed = a.datapointsToAlarm ?? m;
  const list = present.map((x) => `${x.v.toFixed(1)} (${stamp(sim, x.t)})`).join(', ');
  const word = WORDS[a.comparison];
  if (breaching >= needed) {
    return { state: 'ALARM', reason: `Threshold Crossed: ${present.length} datapoint${present.length === 1 ? '' : 's'} [${list}] ${present.length === 1 ? 'was' : 'were'} ${word} the threshold (${a.threshold.toFixed(1)}).` };
  }
  if (!present.length) {
    if (treat === 'ignore') return undefined;
    if (treat === 'notBreaching') return { state: 'OK', reason: `Threshold Crossed: no datapoints were received for ${m} periods and ${m} missing datapoints were treated as [NonBreaching].` };
    return { state: 'INSUFFICIENT_DATA', reason: `Insufficient Data: ${m} datapoint${m === 1 ? ' was' : 's were'} unknown.` };
  }
  return { state: 'OK', reason: `Threshold Crossed: ${present.length} datapoint${present.length === 1 ? '' : 's'} [${list}] ${present.length === 1 ? 'was' : 'were'} not ${word} the threshold (${a.threshold.toFixed(1)}).` };
}

function changeState(sim: SimCore, a: AlarmRec, v: Verdict): void {
  const previous = { value: a.state, reason: a.stateReason, timestamp: sim.date(a.stateUpdatedAt).toISOString() };
  a.state = v.state;
  a.stateReason = v.reason;
  a.stateUpdatedAt = sim.now();
  a.stateReasonData = JSON.stringify({ version: '1.0', queryDate: sim.date().toISOString(), statistic: a.statistic, period: a.period, threshold: a.threshold });
  const config = alarmOut(sim, a);
  publishEvent(sim, 'CloudWatch Alarm State Change', 'aws.cloudwatch', [a.arn], {
    alarmName: a.name,
    state: { value: a.state, reason: a.stateReason, reasonData: a.stateReasonData, timestamp: sim.date().toISOString() },
    previousState: previous,
    configuration: {
      description: a.description,
      metrics: [
        {
          id: 'm1',
          metricStat: { metric: { namespace: a.namespace, name: a.metric, dimensions: Object.fromEntries(a.dimensions.map((d) => [d.Name, d.Value])) }, period: a.period, stat: a.statistic },
          returnData: true,
        },
      ],
      actionsEnabled: config.ActionsEnabled,
    },
  });
}

export function evaluateAlarm(sim: SimCore, a: AlarmRec): void {
  if (sim.now() < a.nextEvalAt) return;
  const evalAt = a.nextEvalAt;
  a.nextEvalAt = evalAt + a.period * 1000;
  a.datapoints.push(sample(sim, a, evalAt));
  if (a.datapoints.length > Math.max(a.evaluationPeriods, 10)) a.datapoints.shift();
  const verdict = judge(sim, a, evalAt);
  const changed = !!verdict && verdict.state !== a.state;
  if (verdict && changed) changeState(sim, a, verdict);
  if (!a.actionsEnabled) return;
  const actions = a.state === 'ALARM' ? a.alarmActions : changed && a.state === 'OK' ? a.okActions : changed ? a.insufficientDataActions : [];
  for (const arn of actions) if (arn.includes(':autoscaling:') && arn.includes(':scalingPolicy:')) executePolicy(sim, arn, a.name);
}

export function alarmsDue(sim: SimCore, add: (t: number) => void): void {
  for (const a of Object.values(sim.state.alarms)) add(a.nextEvalAt);
}
