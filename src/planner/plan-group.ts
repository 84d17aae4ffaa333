/**
 * The active Auto Scaling group: creation (first generation), size bounds, subnets, health
 * check, the load balancer attachment, and re-registering InService instances the ELB lost.
 * Desired capacity belongs to the autoscaler: set only at creation or clamped into min..max.
 */
import type { DesiredFleet } from '../model/fleet';
import { groupName, resourceNames } from '../model/names';
import type { ObservedFleet, ObservedGroup } from '../model/observed';
import type { PlanStep } from '../model/plan';
import type { UpdateGroupParams } from '../model/plan-params';
import { wantedHooks } from './plan-hooks';
import { drift, nameTaken, sameSet, step } from './steps';
import { servingTargetGroup } from './plan-target-group';

export function planGroup(desired: DesiredFleet, observed: ObservedFleet, active: ObservedGroup | undefined): PlanStep[] {
  if (!active) return [createGroup(desired, observed)];
  return [...updateGroup(desired, active), ...attachment(desired, observed, active)];
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, n));
}

function createGroup(desired: DesiredFleet, observed: ObservedFleet): PlanStep {
  const name = groupName(desired.name, 1);
  const resource = `autoScalingGroup/${name}`;
  if (observed.conflicts.some((c) => c.resourceType === 'autoScalingGroup' && c.name === name)) {
    return nameTaken('auto scaling group', resource, name);
  }
  const cap = desired.capacity;
  return step('createAutoScalingGroup', resource, 'auto scaling group is missing', {
    fleet: desired.name,
    name,
    generation: 1,
    launchTemplateName: resourceNames(desired.name).launchTemplate,
    min: cap.min,
    max: cap.max,
    desired: clamp(cap.desired, cap.min, cap.max),
    subnets: desired.network.subnets,
    loadBalancerName: desired.loadBalancer.name,
    ...(desired.loadBalancer.elbv2 ? { targetGroupName: servingTargetGroup(desired, observed) } : {}),
    healthCheckGracePeriodSeconds: desired.loadBalancer.healthCheckGracePeriodSeconds,
    // Instances mount the share at boot: the group waits until every mount target is available.
    ...(desired.storage ? { fileSystemToken: resourceNames(desired.name).efsCreationToken } : {}),
    // Hooks from birth: no instance launches before drover's hooks hold it.
    ...(observed.lifecycleHooksManaged ? { lifecycleHooks: wantedHooks(desired) } : {}),
  });
}

function updateGroup(desired: DesiredFleet, g: ObservedGroup): PlanStep[] {
  const cap = desired.capacity;
  const params: UpdateGroupParams = { name: g.name };
  const reasons: string[] = [];
  const set = <F extends Exclude<keyof UpdateGroupParams, 'name'>>(field: F, label: string, have: unknown, want: UpdateGroupParams[F]) => {
    params[field] = want;
    reasons.push(drift(label, have, want));
  };
  if (g.min !== cap.min) set('min', 'min size', g.min, cap.min);
  if (g.max !== cap.max) set('max', 'max size', g.max, cap.max);
  const clamped = clamp(g.desired, cap.min, cap.max);
  if (clamped !== g.desired) {
    params.desired = clamped;
    reasons.push(`desired capacity ${g.desired} is outside ${cap.min}..${cap.max}, clamped to ${clamped}`);
  }
  if (!sameSet(g.subnets, desired.network.subnets)) set('subnets', 'subnets', g.subnets, desired.network.subnets);
  if (g.healthCheckType !== 'ELB') set('healthCheckType', 'health check type', g.healthCheckType, 'ELB');
  const grace = desired.loadBalancer.healthCheckGracePeriodSeconds;
  if (g.healthCheckGracePeriodSeconds !== grace) set('healthCheckGracePeriodSeconds', 'health check grace period', g.healthCheckGracePeriodSeconds, grace);
  if (!reasons.length) return [];
  return [step('updateAutoScalingGroup', `autoScalingGroup/${g.name}`, reasons.join('; '), params)];
}

function attachment(desired: DesiredFleet, observed: ObservedFleet, g: ObservedGroup): PlanStep[] {
  // A group on target groups is attached when created; the swap moves traffic between the groups.
  if (desired.loadBalancer.elbv2) return [];
  const lbName = desired.loadBalancer.name;
  if (!g.loadBalancerNames.includes(lbName)) {
    return [
      step('attachLoadBalancer', `autoScalingGroup/${g.name}`, `group is not attached to load balancer ${lbName}`, {
        groupName: g.name,
        loadBalancerName: lbName,
      }),
    ];
  }
  const lb = observed.loadBalancer;
  if (!lb) return [];
  const registered = new Set(lb.instances.map((i) => i.id));
  const lost = g.instances.filter((i) => i.lifecycle === 'inService' && !registered.has(i.id)).map((i) => i.id);
  if (!lost.length) return [];
  return [
    step('registerInstances', `loadBalancer/${lbName}`, `InService instances ${lost.join(', ')} of group ${g.name} are not registered with the load balancer`, {
      name: lbName,
      instanceIds: lost,
    }),
  ];
}
