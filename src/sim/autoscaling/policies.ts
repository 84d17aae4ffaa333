/** Simple scaling policies and their execution by alarms. */
import { SimCore } from '../core';
import { SimNotImplemented } from '../errors';
import { HandlerMap } from '../handler';
import { buildTagIndex, tagKey } from '../indexes';
import { paginate } from '../paginate';
import { PolicyRec } from '../state';
import { findGroup, isSuspended, validation } from './find';

const ADJUSTMENT_TYPES = ['ChangeInCapacity', 'ExactCapacity', 'PercentChangeInCapacity'];

function putPolicy(sim: SimCore, input: any) {
  const g = findGroup(sim, input.AutoScalingGroupName);
  const type = input.PolicyType ?? 'SimpleScaling';
  if (type !== 'SimpleScaling') throw new SimNotImplemented('AutoScaling', `PutScalingPolicy with PolicyType ${type}`);
  if (!ADJUSTMENT_TYPES.includes(input.AdjustmentType)) throw validation(sim, `Invalid adjustment type ${input.AdjustmentType}`);
  if (input.ScalingAdjustment === undefined) throw validation(sim, 'ScalingAdjustment is required for SimpleScaling policies');
  const prior = Object.values(sim.state.policies).find((p) => p.group === g.name && p.name === input.PolicyName);
  const arn = prior?.arn ?? sim.arn('autoscaling', `scalingPolicy:${sim.uuid()}:autoScalingGroupName/${g.name}:policyName/${input.PolicyName}`);
  const rec: PolicyRec = {
    arn,
    name: input.PolicyName,
    group: g.name,
    adjustmentType: input.AdjustmentType,
    adjustment: Number(input.ScalingAdjustment),
    cooldown: input.Cooldown,
    minAdjustmentMagnitude: input.MinAdjustmentMagnitude,
  };
  sim.state.policies[arn] = rec;
  return { PolicyARN: arn, Alarms: alarmsFor(sim, arn) };
}

function alarmsFor(sim: SimCore, arn: string) {
  const index = sim.indexes.get(sim.state, 'alarms.byAction', (s) => buildTagIndex(Object.values(s.alarms), (a) => a.alarmActions.map((x): [string, string] => ['action', x])));
  return (index.byTag.get(tagKey('action', arn)) ?? [])
    .filter((a) => sim.state.alarms[a.name] === a && a.alarmActions.includes(arn))
    .map((a) => ({ AlarmName: a.name, AlarmARN: a.arn }));
}

function describePolicies(sim: SimCore, input: any) {
  const names: string[] | undefined = input.PolicyNames?.length ? input.PolicyNames : undefined;
  const types: string[] | undefined = input.PolicyTypes?.length ? input.PolicyTypes : undefined;
  const byGroup = () => sim.indexes.get(sim.state, 'policies.byGroup', (s) => buildTagIndex(Object.values(s.policies), (p) => [['group', p.group]]));
  const pool = input.AutoScalingGroupName ? (byGroup().byTag.get(tagKey('group', input.AutoScalingGroupName)) ?? []).filter((p) => sim.state.policies[p.arn] === p) : Object.values(sim.state.policies);
  const all = pool.filter(
    (p) =>
      (!input.AutoScalingGroupName || p.group === input.AutoScalingGroupName) &&
      (!names || names.includes(p.name) || names.includes(p.arn)) &&
      (!types || types.includes('SimpleScaling')),
  );
  const page = paginate(sim, 'AutoScaling', all, input.NextToken, input.MaxRecords);
  return {
    ScalingPolicies: page.items.map((p) => ({
      AutoScalingGroupName: p.group,
      PolicyName: p.name,
      PolicyARN: p.arn,
      PolicyType: 'SimpleScaling',
      AdjustmentType: p.adjustmentType,
      ScalingAdjustment: p.adjustment,
      Cooldown: p.cooldown,
      MinAdjustmentMagnitude: p.minAdjustmentMagnitude,
      Alarms: alarmsFor(sim, p.arn),
      Enabled: true,
    })),
    NextToken: page.next,
  };
}

function deletePolicy(sim: SimCore, input: any) {
  const p = Object.values(sim.state.policies).find(
    (x) => x.arn === input.PolicyName || (x.name === input.PolicyName && (!input.AutoScalingGroupName || x.group === input.AutoScalingGroupName)),
  );
  if (!p) throw validation(sim, `Policy ${input.PolicyName} not found`);
  delete sim.state.policies[p.arn];
  return {};
}

function targetCapacity(p: PolicyRec, desired: number): number {
  if (p.adjustmentType === 'ExactCapacity') return p.adjustment;
  if (p.adjustmentType === 'ChangeInCapacity') return desired + p.adjustment;
  let delta = Math.trunc((desired * p.adjustment) / 100);
  if (delta === 0) delta = Math.sign(p.adjustment);
  if (p.minAdjustmentMagnitude && Math.abs(delta) < p.minAdjustmentMagnitude) delta = Math.sign(delta) * p.minAdjustmentMagnitude;
  return desired + delta;
}

/** An alarm action: run the policy unless suspended or in cooldown. Returns true if capacity changed. */
export function executePolicy(sim: SimCore, arn: string, alarmName: string): boolean {
  const p = sim.state.policies[arn];
  const g = p && sim.state.groups[p.group];
  if (!p || !g || g.deleting || isSuspended(g, 'AlarmNotification')) return false;
  if (sim.now() < g.cooldownUntil) return false;
  const next = Math.min(g.max, Math.max(g.min, targetCapacity(p, g.desired)));
  if (next === g.desired) return false;
  g.lastChangeCause = `At ${sim.iso()} a monitor alarm ${alarmName} in state ALARM triggered policy ${p.name} changing the desired capacity from ${g.desired} to ${next}.`;
  g.desired = next;
  g.cooldownUntil = sim.now() + (p.cooldown ?? g.defaultCooldown) * 1000;
  sim.dirty = true;
  return true;
}

export const POLICY_HANDLERS: HandlerMap = {
  PutScalingPolicy: putPolicy,
  DescribePolicies: describePolicies,
  DeletePolicy: deletePolicy,
};
