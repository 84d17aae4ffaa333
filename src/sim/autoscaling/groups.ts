/** Auto Scaling group mutations: create, update, delete, capacity, load balancers, processes, tags. */
import { SimCore } from '../core';
import { deregisterInstance, registerInstance } from '../elb/registration';
import { HandlerMap } from '../handler';
import { GroupRec } from '../state';
import { activeInstances, findGroup, isLeaving, templateRef, validation } from './find';
import { beginLeaving } from './instance-flow';
import { putHook } from './hooks';
import { checkTargetGroups } from './target-groups';

const PROCESSES = [
  'Launch',
  'Terminate',
  'AddToLoadBalancer',
  'AlarmNotification',
  'AZRebalance',
  'HealthCheck',
  'InstanceRefresh',
  'ReplaceUnhealthy',
  'ScheduledActions',
];

function checkSizes(sim: SimCore, min: number, max: number, desired: number): void {
  if (min > max) throw validation(sim, `Max bound, ${max}, must be greater than or equal to min bound, ${min}`);
  if (desired < min || desired > max) {
    throw validation(sim, `Desired capacity:${desired} must be between the specified min size:${min} and max size:${max}`);
  }
}

function parseSubnets(sim: SimCore, vpcZoneIdentifier: string | undefined): string[] {
  const ids = String(vpcZoneIdentifier ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!ids.length) throw validation(sim, 'At least one Availability Zone or VPC Subnet is required.');
  for (const id of ids) if (!sim.state.subnets.some((s) => s.id === id)) throw validation(sim, `The subnet ID '${id}' does not exist`);
  return ids;
}

function checkLoadBalancers(sim: SimCore, names: string[]): void {
  if (names.some((n) => !sim.state.loadBalancers[n])) {
    throw validation(sim, 'Provided Load Balancers may not be valid. Please ensure they exist and try again.');
  }
}

function sizeChangeCause(sim: SimCore, g: GroupRec, from: number): string {
  return `At ${sim.iso()} a user request update of AutoScalingGroup constraints to min: ${g.min}, max: ${g.max}, desired: ${g.desired} changing the desired capacity from ${from} to ${g.desired}.`;
}

function createGroup(sim: SimCore, input: any) {
  const name = String(input.AutoScalingGroupName ?? '');
  if (!name || name.length > 255) throw validation(sim, 'AutoScalingGroupName must be between 1 and 255 characters');
  if (sim.state.groups[name]) throw sim.error('AutoScaling', 'AlreadyExists', `AutoScalingGroup by this name already exists - A group with the name ${name} already exists`);
  if (!input.LaunchTemplate) throw validation(sim, 'Valid requests must contain either LaunchTemplate, LaunchConfigurationName, InstanceId or MixedInstancesPolicy parameter.');
  const min = Number(input.MinSize);
  const max = Number(input.MaxSize);
  const desired = input.DesiredCapacity !== undefined ? Number(input.DesiredCapacity) : min;
  checkSizes(sim, min, max, desired);
  const lbs: string[] = input.LoadBalancerNames ?? [];
  checkLoadBalancers(sim, lbs);
  const g: GroupRec = {
    name,
    arn: sim.arn('autoscaling', `autoScalingGroup:${sim.uuid()}:autoScalingGroupName/${name}`),
    createdAt: sim.now(),
    launchTemplate: templateRef(sim, input.LaunchTemplate),
    min,
    max,
    desired,
    defaultCooldown: input.DefaultCooldown ?? 300,
    subnets: parseSubnets(sim, input.VPCZoneIdentifier),
    loadBalancers: [...lbs],
    targetGroups: checkTargetGroups(sim, input.TargetGroupARNs ?? []),
    healthCheckType: input.HealthCheckType === 'ELB' ? 'ELB' : 'EC2',
    healthCheckGracePeriod: input.HealthCheckGracePeriod ?? 0,
    newInstancesProtected: !!input.NewInstancesProtectedFromScaleIn,
    tags: ((input.Tags ?? []) as any[]).map((t) => ({ key: t.Key, value: t.Value ?? '', propagate: !!t.PropagateAtLaunch })),
    suspended: [],
    instances: {},
    cooldownUntil: 0,
    launchRetryAt: 0,
  };
  g.lastChangeCause = sizeChangeCause(sim, g, 0);
  sim.state.groups[name] = g;
  sim.indexes.invalidate();
  try {
    for (const h of input.LifecycleHookSpecificationList ?? []) putHook(sim, { ...h, AutoScalingGroupName: name }, false);
  } catch (err) {
    // One call: a bad hook specification creates nothing.
    delete sim.state.groups[name];
    for (const key of Object.keys(sim.state.hooks)) if (sim.state.hooks[key].group === name) delete sim.state.hooks[key];
    throw err;
  }
  sim.dirty = true;
  return {};
}

function updateGroup(sim: SimCore, input: any) {
  const g = findGroup(sim, input.AutoScalingGroupName);
  const min = input.MinSize ?? g.min;
  const max = input.MaxSize ?? g.max;
  let desired = input.DesiredCapacity ?? g.desired;
  if (input.DesiredCapacity === undefined) desired = Math.min(max, Math.max(min, desired));
  checkSizes(sim, min, max, desired);
  if (input.LaunchTemplate) g.launchTemplate = templateRef(sim, input.LaunchTemplate);
  if (input.VPCZoneIdentifier !== undefined) g.subnets = parseSubnets(sim, input.VPCZoneIdentifier);
  const from = g.desired;
  Object.assign(g, { min, max, desired });
  if (from !== desired) g.lastChangeCause = sizeChangeCause(sim, g, from);
  if (input.HealthCheckType) g.healthCheckType = input.HealthCheckType === 'ELB' ? 'ELB' : 'EC2';
  if (input.HealthCheckGracePeriod !== undefined) g.healthCheckGracePeriod = input.HealthCheckGracePeriod;
  if (input.DefaultCooldown !== undefined) g.defaultCooldown = input.DefaultCooldown;
  if (input.NewInstancesProtectedFromScaleIn !== undefined) g.newInstancesProtected = !!input.NewInstancesProtectedFromScaleIn;
  sim.dirty = true;
  return {};
}

function setDesiredCapacity(sim: SimCore, input: any) {
  const g = findGroup(sim, input.AutoScalingGroupName);
  const desired = Number(input.DesiredCapacity);
  if (desired > g.max) throw validation(sim, `New SetDesiredCapacity value ${desired} is above max value ${g.max} for the AutoScalingGroup.`);
  if (desired < g.min) throw validation(sim, `New SetDesiredCapacity value ${desired} is below min value ${g.min} for the AutoScalingGroup.`);
  if (input.HonorCooldown && sim.now() < g.cooldownUntil) {
    throw sim.error('AutoScaling', 'ScalingActivityInProgress', 'Scaling activity is in progress and blocks this action: the group is in its cooldown period.');
  }
  if (desired !== g.desired) {
    g.lastChangeCause = `At ${sim.iso()} a user request explicitly set group desired capacity changing the desired capacity from ${g.desired} to ${desired}.`;
    g.desired = desired;
  }
  sim.dirty = true;
  return {};
}

function deleteGroup(sim: SimCore, input: any) {
  const g = findGroup(sim, input.AutoScalingGroupName);
  const members = Object.values(g.instances);
  if (!input.ForceDelete && members.length) {
    if (members.some((i) => i.lifecycle !== 'InService')) {
      throw sim.error('AutoScaling', 'ScalingActivityInProgress', 'You cannot delete an AutoScalingGroup while there are scaling activities in progress for that group.');
    }
    throw sim.error('AutoScaling', 'ResourceInUse', 'You cannot delete an AutoScalingGroup while there are instances or pending Spot instance request(s) still in the group.');
  }
  g.deleting = true;
  g.min = g.max = g.desired = 0;
  for (const i of members) {
    if (isLeaving(i)) continue;
    i.action = undefined;
    beginLeaving(sim, g, i, `At ${sim.iso()} an instance was taken out of service in response to a user request to delete the group.`, false);
  }
  sim.dirty = true;
  return {};
}

function attachLoadBalancers(sim: SimCore, input: any) {
  const g = findGroup(sim, input.AutoScalingGroupName);
  const names: string[] = input.LoadBalancerNames ?? [];
  checkLoadBalancers(sim, names);
  for (const n of names) {
    if (g.loadBalancers.includes(n)) continue;
    g.loadBalancers.push(n);
    for (const i of activeInstances(g)) if (i.lifecycle === 'InService') registerInstance(sim, sim.state.loadBalancers[n], i.id);
  }
  return {};
}

function detachLoadBalancers(sim: SimCore, input: any) {
  const g = findGroup(sim, input.AutoScalingGroupName);
  for (const n of (input.LoadBalancerNames ?? []) as string[]) {
    if (!g.loadBalancers.includes(n)) continue;
    g.loadBalancers = g.loadBalancers.filter((x) => x !== n);
    const lb = sim.state.loadBalancers[n];
    if (lb) for (const i of Object.values(g.instances)) deregisterInstance(sim, lb, i.id);
  }
  return {};
}

function processNames(sim: SimCore, input: any): string[] {
  const names: string[] = input.ScalingProcesses?.length ? input.ScalingProcesses : PROCESSES;
  const bad = names.find((n) => !PROCESSES.includes(n));
  if (bad) throw validation(sim, `Process type ${bad} is not a valid process type`);
  return names;
}

function suspendProcesses(sim: SimCore, input: any) {
  const g = findGroup(sim, input.AutoScalingGroupName);
  for (const p of processNames(sim, input)) {
    if (!g.suspended.some((s) => s.process === p)) g.suspended.push({ process: p, reason: `User suspended at ${sim.iso()}` });
  }
  return {};
}

function resumeProcesses(sim: SimCore, input: any) {
  const g = findGroup(sim, input.AutoScalingGroupName);
  const names = processNames(sim, input);
  g.suspended = g.suspended.filter((s) => !names.includes(s.process));
  sim.dirty = true;
  return {};
}

function createOrUpdateTags(sim: SimCore, input: any) {
  for (const t of (input.Tags ?? []) as any[]) {
    if (t.ResourceType && t.ResourceType !== 'auto-scaling-group') throw validation(sim, `Invalid resource type: ${t.ResourceType}`);
    const g = findGroup(sim, t.ResourceId);
    const existing = g.tags.find((x) => x.key === t.Key);
    const next = { key: t.Key, value: t.Value ?? '', propagate: !!t.PropagateAtLaunch };
    if (existing) Object.assign(existing, next);
    else g.tags.push(next);
  }
  return {};
}

export const GROUP_HANDLERS: HandlerMap = {
  CreateAutoScalingGroup: createGroup,
  UpdateAutoScalingGroup: updateGroup,
  DeleteAutoScalingGroup: deleteGroup,
  SetDesiredCapacity: setDesiredCapacity,
  AttachLoadBalancers: attachLoadBalancers,
  DetachLoadBalancers: detachLoadBalancers,
  SuspendProcesses: suspendProcesses,
  ResumeProcesses: resumeProcesses,
  CreateOrUpdateTags: createOrUpdateTags,
};
