/** CloudWatch metric alarms: put, describe, delete, tags. */
import { SimCore, tagList, tagRecord } from '../core';
import { HandlerMap } from '../handler';
import { paginate } from '../paginate';
import { AlarmRec } from '../state';

const OPERATORS = ['GreaterThanOrEqualToThreshold', 'GreaterThanThreshold', 'LessThanThreshold', 'LessThanOrEqualToThreshold'];

function invalid(sim: SimCore, message: string): Error {
  return sim.error('CloudWatch', 'InvalidParameterValue', message);
}

function validate(sim: SimCore, input: any): void {
  for (const f of ['AlarmName', 'MetricName', 'Namespace', 'EvaluationPeriods', 'Threshold', 'ComparisonOperator', 'Period']) {
    if (input[f] === undefined) throw sim.error('CloudWatch', 'MissingParameter', `The parameter ${f} is required.`);
  }
  if (!OPERATORS.includes(input.ComparisonOperator)) throw invalid(sim, `Invalid ComparisonOperator: ${input.ComparisonOperator}`);
  const p = Number(input.Period);
  if (!(p === 10 || p === 30 || (p >= 60 && p % 60 === 0))) throw invalid(sim, 'The parameter Period must be 10, 30 or a multiple of 60.');
  if (!(input.EvaluationPeriods >= 1)) throw invalid(sim, 'The parameter EvaluationPeriods must be greater than or equal to 1.');
  if (!input.Statistic && !input.ExtendedStatistic) throw sim.error('CloudWatch', 'MissingParameter', 'One of Statistic or ExtendedStatistic is required.');
}

function putMetricAlarm(sim: SimCore, input: any) {
  validate(sim, input);
  const prior = sim.state.alarms[input.AlarmName];
  const period = Number(input.Period);
  const base = prior ?? {
    state: 'INSUFFICIENT_DATA' as const,
    stateReason: 'Unchecked: Initial alarm creation',
    stateUpdatedAt: sim.now(),
    tags: tagRecord(input.Tags),
    datapoints: [],
  };
  const alarm: AlarmRec = {
    ...base,
    name: input.AlarmName,
    arn: sim.arn('cloudwatch', `alarm:${input.AlarmName}`),
    description: input.AlarmDescription,
    metric: input.MetricName,
    namespace: input.Namespace,
    statistic: input.Statistic ?? input.ExtendedStatistic,
    dimensions: (input.Dimensions ?? []).map((d: any) => ({ Name: d.Name, Value: d.Value })),
    period,
    evaluationPeriods: Number(input.EvaluationPeriods),
    datapointsToAlarm: input.DatapointsToAlarm,
    threshold: Number(input.Threshold),
    comparison: input.ComparisonOperator,
    actionsEnabled: input.ActionsEnabled ?? true,
    alarmActions: input.AlarmActions ?? [],
    okActions: input.OKActions ?? [],
    insufficientDataActions: input.InsufficientDataActions ?? [],
    treatMissingData: input.TreatMissingData,
    unit: input.Unit,
    configUpdatedAt: sim.now(),
    nextEvalAt: Math.floor(sim.now() / (period * 1000)) * period * 1000 + period * 1000,
  };
  if (prior && prior.period !== period) alarm.datapoints = [];
  sim.state.alarms[alarm.name] = alarm;
  sim.indexes.invalidate();
  return {};
}

export function alarmOut(sim: SimCore, a: AlarmRec) {
  return {
    AlarmName: a.name,
    AlarmArn: a.arn,
    AlarmDescription: a.description,
    AlarmConfigurationUpdatedTimestamp: sim.date(a.configUpdatedAt),
    ActionsEnabled: a.actionsEnabled,
    OKActions: [...a.okActions],
    AlarmActions: [...a.alarmActions],
    InsufficientDataActions: [...a.insufficientDataActions],
    StateValue: a.state,
    StateReason: a.stateReason,
    StateReasonData: a.stateReasonData,
    StateUpdatedTimestamp: sim.date(a.stateUpdatedAt),
    StateTransitionedTimestamp: sim.date(a.stateUpdatedAt),
    MetricName: a.metric,
    Namespace: a.namespace,
    Statistic: a.statistic,
    Dimensions: a.dimensions.map((d) => ({ ...d })),
    Period: a.period,
    Unit: a.unit,
    EvaluationPeriods: a.evaluationPeriods,
    DatapointsToAlarm: a.datapointsToAlarm,
    Threshold: a.threshold,
    ComparisonOperator: a.comparison,
    TreatMissingData: a.treatMissingData,
  };
}

function describeAlarms(sim: SimCore, input: any) {
  const names: string[] | undefined = input.AlarmNames?.length ? input.AlarmNames : undefined;
  if (names && input.AlarmNamePrefix) throw sim.error('CloudWatch', 'InvalidParameterCombination', 'AlarmNames and AlarmNamePrefix cannot be used together.');
  if (input.MaxRecords !== undefined && (input.MaxRecords < 1 || input.MaxRecords > 100)) throw invalid(sim, 'MaxRecords must be between 1 and 100');
  // Sorted by name below, so picking the named alarms directly gives the same answer as a scan.
  const pool = names ? [...new Set(names)].filter((n) => Object.prototype.hasOwnProperty.call(sim.state.alarms, n)).map((n) => sim.state.alarms[n]) : Object.values(sim.state.alarms);
  const all = pool
    .filter(
      (a) =>
        (!names || names.includes(a.name)) &&
        (!input.AlarmNamePrefix || a.name.startsWith(input.AlarmNamePrefix)) &&
        (!input.StateValue || a.state === input.StateValue) &&
        (!input.ActionPrefix || a.alarmActions.some((x) => x.startsWith(input.ActionPrefix))),
    )
    .sort((x, y) => x.name.localeCompare(y.name));
  const wantsMetric = !input.AlarmTypes?.length || input.AlarmTypes.includes('MetricAlarm');
  const page = paginate(sim, 'CloudWatch', wantsMetric ? all : [], input.NextToken, input.MaxRecords);
  return { MetricAlarms: page.items.map((a) => alarmOut(sim, a)), CompositeAlarms: [], NextToken: page.next };
}

function deleteAlarms(sim: SimCore, input: any) {
  const names: string[] = input.AlarmNames ?? [];
  const missing = names.filter((n) => !sim.state.alarms[n]);
  if (missing.length) throw sim.error('CloudWatch', 'ResourceNotFound', `The named resource does not exist: ${missing.join(', ')}`);
  for (const n of names) delete sim.state.alarms[n];
  return {};
}

function alarmByArn(sim: SimCore, arn: string): AlarmRec | undefined {
  // Indexed (a listing of many fleets' alarm tags must not scan every alarm per call); a deleted alarm may linger in the index.
  const byArn = sim.indexes.get(sim.state, 'alarms.arn', (s) => new Map(Object.values(s.alarms).map((x) => [x.arn, x])));
  const a = byArn.get(arn);
  return a && sim.state.alarms[a.name] === a ? a : Object.values(sim.state.alarms).find((x) => x.arn === arn);
}

function alarmOfArn(sim: SimCore, arn: string): AlarmRec {
  const a = alarmByArn(sim, arn);
  if (!a) throw sim.error('CloudWatch', 'ResourceNotFoundException', `The specified resource ${arn} does not exist.`, { ResourceType: 'Alarm', ResourceId: arn });
  return a;
}

function listTags(sim: SimCore, input: any) {
  return { Tags: tagList(alarmOfArn(sim, input.ResourceARN).tags) };
}

function tagResource(sim: SimCore, input: any) {
  const a = alarmOfArn(sim, input.ResourceARN);
  a.tags = { ...a.tags, ...tagRecord(input.Tags) };
  return {};
}

export const CLOUDWATCH_HANDLERS: HandlerMap = {
  PutMetricAlarm: putMetricAlarm,
  DescribeAlarms: describeAlarms,
  DeleteAlarms: deleteAlarms,
  ListTagsForResource: listTags,
  TagResource: tagResource,
};
