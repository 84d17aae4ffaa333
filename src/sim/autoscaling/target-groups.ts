/**
 * Auto Scaling and ELBv2 target groups: a group's instances are registered into its target
 * groups as they go InService and deregistered (draining) as they leave. UpdateAutoScalingGroup
 * takes no TargetGroupARNs in AWS; groups get them at creation or with Attach/Detach.
 */
import { SimCore } from '../core';
import { v2 } from '../elbv2/find';
import { deregisterTarget, instanceTargetState, registerTarget } from '../elbv2/targets';
import { HandlerMap } from '../handler';
import { paginate } from '../paginate';
import { GroupRec } from '../state';
import { activeInstances, findGroup, isSuspended, validation } from './find';

/** Throws unless every ARN names an existing target group (at most 10 per call). */
export function checkTargetGroups(sim: SimCore, arns: string[]): string[] {
  if (arns.length > 10) throw validation(sim, 'You can specify up to 10 target groups.');
  if (arns.some((a) => !sim.state.elbv2?.targetGroups[a])) throw validation(sim, 'Provided Target Groups may not be valid. Please ensure they exist and try again.');
  return [...new Set(arns)];
}

export function registerInTargetGroups(sim: SimCore, g: GroupRec, instanceId: string, arns = g.targetGroups ?? []): void {
  for (const arn of arns) {
    const tg = sim.state.elbv2?.targetGroups[arn];
    if (tg) registerTarget(sim, tg, instanceId);
  }
}

/** Deregister from the group's target groups; returns when the last one finishes draining. */
export function deregisterFromTargetGroups(sim: SimCore, g: GroupRec, instanceId: string, drain = true, arns = g.targetGroups ?? []): number {
  let until = sim.now();
  for (const arn of arns) {
    const tg = sim.state.elbv2?.targetGroups[arn];
    if (tg) until = Math.max(until, deregisterTarget(sim, tg, instanceId, undefined, drain));
  }
  return until;
}

/** True when a target group the group uses reports the instance unhealthy (for ELB health checks). */
export function failsTargetGroupCheck(sim: SimCore, g: GroupRec, instanceId: string): boolean {
  return (g.targetGroups ?? []).some((arn) => instanceTargetState(sim, sim.state.elbv2?.targetGroups[arn], instanceId) === 'unhealthy');
}

function attach(sim: SimCore, input: any) {
  const g = findGroup(sim, input.AutoScalingGroupName);
  const arns = checkTargetGroups(sim, input.TargetGroupARNs ?? []);
  const added = arns.filter((a) => !(g.targetGroups ?? []).includes(a));
  g.targetGroups = [...(g.targetGroups ?? []), ...added];
  if (!isSuspended(g, 'AddToLoadBalancer')) {
    for (const i of activeInstances(g)) if (i.lifecycle === 'InService') registerInTargetGroups(sim, g, i.id, added);
  }
  return {};
}

function detach(sim: SimCore, input: any) {
  const g = findGroup(sim, input.AutoScalingGroupName);
  const arns: string[] = (input.TargetGroupARNs ?? []).filter((a: string) => (g.targetGroups ?? []).includes(a));
  g.targetGroups = (g.targetGroups ?? []).filter((a) => !arns.includes(a));
  for (const i of Object.values(g.instances)) deregisterFromTargetGroups(sim, g, i.id, true, arns);
  return {};
}

/** `InService` once a group instance is healthy in the target group, `Added` before. */
function describe(sim: SimCore, input: any) {
  const g = findGroup(sim, input.AutoScalingGroupName);
  const states = (g.targetGroups ?? []).map((arn) => {
    const tg = v2(sim).targetGroups[arn];
    const serving = Object.keys(g.instances).some((id) => instanceTargetState(sim, tg, id) === 'healthy');
    return { LoadBalancerTargetGroupARN: arn, State: serving ? 'InService' : 'Added' };
  });
  const page = paginate(sim, 'AutoScaling', states, input.NextToken, input.MaxRecords, { max: 100, defaultSize: 100 });
  return { LoadBalancerTargetGroups: page.items, NextToken: page.next };
}

export const TARGET_GROUP_ASG_HANDLERS: HandlerMap = {
  AttachLoadBalancerTargetGroups: attach,
  DetachLoadBalancerTargetGroups: detach,
  DescribeLoadBalancerTargetGroups: describe,
};
