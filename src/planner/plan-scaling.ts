/** Simple scaling policies on the active group and the CPU alarms that trigger them. */
import type { DesiredFleet, ScalingRule } from '../model/fleet';
import { resourceNames } from '../model/names';
import type { ObservedAlarm, ObservedFleet, ObservedPolicy } from '../model/observed';
import type { PlanStep } from '../model/plan';
import { drift, nameTaken, step, type PartialPlan } from './steps';

export const ADJUSTMENT_TYPE = 'ChangeInCapacity';

interface WantedRule {
  policy: string;
  alarm: string;
  comparison: string;
  rule: ScalingRule;
}

function wantedRules(desired: DesiredFleet): WantedRule[] {
  const n = resourceNames(desired.name);
  if (!desired.scaling) return [];
  return [
    { policy: n.scaleOutPolicy, alarm: n.scaleOutAlarm, comparison: 'GreaterThanOrEqualToThreshold', rule: desired.scaling.scaleOut },
    { policy: n.scaleInPolicy, alarm: n.scaleInAlarm, comparison: 'LessThanOrEqualToThreshold', rule: desired.scaling.scaleIn },
  ];
}

/** `group`: the active group (or the one being created) the policies belong to. */
export function planScaling(desired: DesiredFleet, observed: ObservedFleet, group: string): PartialPlan {
  const ensure: PlanStep[] = [];
  for (const w of wantedRules(desired)) {
    const policy = observed.policies.find((p) => p.name === w.policy && p.groupName === group);
    const policyStep = planPolicy(w, group, policy);
    if (policyStep) ensure.push(policyStep);
  }
  for (const w of wantedRules(desired)) {
    const policy = observed.policies.find((p) => p.name === w.policy && p.groupName === group);
    const alarmStep = planAlarm(desired, observed, w, group, policy);
    if (alarmStep) ensure.push(alarmStep);
  }
  return { ensure, remove: removeScaling(desired, observed, group) };
}

function planPolicy(w: WantedRule, group: string, p: ObservedPolicy | undefined): PlanStep | undefined {
  const reasons: string[] = [];
  if (!p) reasons.push(`scaling policy is missing on group ${group}`);
  else {
    if (p.adjustment !== w.rule.adjustment) reasons.push(drift('adjustment', p.adjustment, w.rule.adjustment));
    if (p.cooldownSeconds !== w.rule.cooldownSeconds) reasons.push(drift('cooldown', `${p.cooldownSeconds}s`, `${w.rule.cooldownSeconds}s`));
    if (p.adjustmentType !== ADJUSTMENT_TYPE) reasons.push(drift('adjustment type', p.adjustmentType, ADJUSTMENT_TYPE));
  }
  if (!reasons.length) return undefined;
  return step('putScalingPolicy', `policy/${w.policy}`, reasons.join('; '), {
    groupName: group,
    name: w.policy,
    adjustment: w.rule.adjustment,
    cooldownSeconds: w.rule.cooldownSeconds,
  });
}

function alarmDrift(w: WantedRule, a: ObservedAlarm, group: string, policy: ObservedPolicy | undefined): string[] {
  const r = w.rule;
  const fields: Array<[string, unknown, unknown]> = [
    ['metric', `${a.namespace}/${a.metric}`, `AWS/EC2/${r.metric}`],
    ['statistic', a.statistic, 'Average'],
    ['comparison', a.comparison, w.comparison],
    ['threshold', a.threshold, r.threshold],
    ['evaluation periods', a.periods, r.periods],
    ['period', `${a.periodSeconds}s`, `${r.periodSeconds}s`],
    ['group dimension', a.dimensions.AutoScalingGroupName, group],
  ];
  const reasons = fields.filter(([, x, y]) => x !== y).map(([f, x, y]) => drift(f, x, y));
  if (!policy) reasons.push(`policy ${w.policy} is being created`);
  else if (a.actions.length !== 1 || a.actions[0] !== policy.arn) reasons.push(drift('alarm actions', a.actions, [policy.arn]));
  return reasons;
}

function planAlarm(desired: DesiredFleet, observed: ObservedFleet, w: WantedRule, group: string, policy?: ObservedPolicy): PlanStep | undefined {
  const resource = `alarm/${w.alarm}`;
  const alarm = observed.alarms.find((a) => a.name === w.alarm);
  if (!alarm && observed.conflicts.some((c) => c.resourceType === 'alarm' && c.name === w.alarm)) {
    return nameTaken('alarm', resource, w.alarm);
  }
  const reasons = alarm ? alarmDrift(w, alarm, group, policy) : ['alarm is missing'];
  if (!reasons.length) return undefined;
  return step('putMetricAlarm', resource, reasons.join('; '), {
    fleet: desired.name,
    name: w.alarm,
    groupName: group,
    policyName: w.policy,
    ...(policy ? { policyArn: policy.arn } : {}),
    metric: w.rule.metric,
    namespace: 'AWS/EC2',
    statistic: 'Average',
    comparison: w.comparison,
    threshold: w.rule.threshold,
    periods: w.rule.periods,
    periodSeconds: w.rule.periodSeconds,
  });
}

/** Owned alarms not wanted, then drover-named policies of the group not wanted: alarms first. */
function removeScaling(desired: DesiredFleet, observed: ObservedFleet, group: string): PlanStep[] {
  const wanted = wantedRules(desired);
  const n = resourceNames(desired.name);
  const why = (what: string) => (desired.scaling ? `${what} is not in the manifest` : 'manifest has no scaling rules');
  const alarms = observed.alarms
    .filter((a) => !wanted.some((w) => w.alarm === a.name))
    .map((a) => step('deleteAlarm', `alarm/${a.name}`, why(`alarm ${a.name}`), { name: a.name }));
  const ours = new Set([n.scaleOutPolicy, n.scaleInPolicy]);
  const policies = observed.policies
    .filter((p) => p.groupName === group && ours.has(p.name) && !wanted.some((w) => w.policy === p.name))
    .map((p) => step('deleteScalingPolicy', `policy/${p.name}`, why(`policy ${p.name}`), { groupName: p.groupName, name: p.name }));
  return [...alarms, ...policies];
}
