/**
 * Random changes to an observed world, as plain data (so fast-check prints and shrinks them):
 * resources missing, fields drifted, extra owned resources the manifest does not name, names
 * held by untagged resources, instances the ELB lost. `perturb` keeps the world one AWS could
 * show: group sizes stay min <= desired <= max, and a deleted group takes its policies along.
 */
import fc from 'fast-check';
import type { DesiredFleet } from '../../../src/model/fleet';
import { groupName, ownershipTags, resourceNames, TAG_GENERATION } from '../../../src/model/names';
import type { NameConflict, ObservedFleet, ObservedGroup } from '../../../src/model/observed';
import { convergedWorld } from './fixtures';
import { LAUNCHING_HOOK, TERMINATING_HOOK } from '../../../src/planner/plan-hooks';
import { SECURITY_GROUPS, SUBNET_ZONES } from './fleet-arbitraries';

export type Perturbation =
  | { op: 'drop'; what: 'loadBalancer' | 'launchTemplate' | 'groups' | 'fileSystem' | 'efsSecurityGroup' | 'mountTarget' | 'alarm' | 'policy'; at: number }
  | { op: 'group'; field: 'min' | 'max' | 'desired' | 'healthCheckType' | 'grace' | 'subnets' | 'detach'; value: number }
  | { op: 'lb'; field: 'target' | 'interval' | 'healthy' | 'draining' | 'drainingOff' | 'crossZone' | 'instancePort' | 'extraListener' | 'dropListener'; value: number }
  | { op: 'alarm'; at: number; field: 'threshold' | 'periods' | 'actions' | 'dimension' | 'comparison'; value: number }
  | { op: 'policy'; at: number; field: 'cooldown' | 'adjustment' | 'type'; value: number }
  | { op: 'template'; field: 'instanceType' | 'userData' | 'keyName' | 'securityGroups' }
  | { op: 'extra'; what: 'alarm' | 'ourPolicies' | 'foreignPolicy' | 'efs' | 'mountTarget' | 'nfsSource' | 'oldGroup' }
  | { op: 'nfsMissing' }
  | { op: 'deregister'; count: number }
  | { op: 'hooks'; variant: 'missing' | 'target' | 'stale' | 'heartbeat' }
  | { op: 'conflict'; type: NameConflict['resourceType']; at: number };

const v = fc.nat({ max: 1000 });
export const driftArb: fc.Arbitrary<Perturbation> = fc.oneof(
  fc.record({ op: fc.constant('drop' as const), what: fc.constantFrom('loadBalancer', 'launchTemplate', 'groups', 'fileSystem', 'efsSecurityGroup', 'mountTarget', 'alarm', 'policy'), at: fc.nat({ max: 3 }) }),
  fc.record({ op: fc.constant('group' as const), field: fc.constantFrom('min', 'max', 'desired', 'healthCheckType', 'grace', 'subnets', 'detach'), value: v }),
  fc.record({ op: fc.constant('lb' as const), field: fc.constantFrom('target', 'interval', 'healthy', 'draining', 'drainingOff', 'crossZone', 'instancePort', 'extraListener', 'dropListener'), value: v }),
  fc.record({ op: fc.constant('alarm' as const), at: fc.nat({ max: 2 }), field: fc.constantFrom('threshold', 'periods', 'actions', 'dimension', 'comparison'), value: v }),
  fc.record({ op: fc.constant('policy' as const), at: fc.nat({ max: 2 }), field: fc.constantFrom('cooldown', 'adjustment', 'type'), value: v }),
  fc.record({ op: fc.constant('template' as const), field: fc.constantFrom('instanceType', 'userData', 'keyName', 'securityGroups') }),
  fc.record({ op: fc.constant('extra' as const), what: fc.constantFrom('alarm', 'ourPolicies', 'foreignPolicy', 'efs', 'mountTarget', 'nfsSource', 'oldGroup') }),
  fc.constant({ op: 'nfsMissing' as const }),
  fc.record({ op: fc.constant('deregister' as const), count: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ op: fc.constant('hooks' as const), variant: fc.constantFrom('missing', 'target', 'stale', 'heartbeat') }),
);

export const conflictArb: fc.Arbitrary<Perturbation> = fc.record({
  op: fc.constant('conflict' as const),
  type: fc.constantFrom('loadBalancer', 'launchTemplate', 'autoScalingGroup', 'securityGroup', 'fileSystem', 'alarm'),
  at: fc.nat({ max: 1 }),
});

/** Terminate or launch instances so the group runs `desired` again (what Auto Scaling does), registering new ones. */
function settle(o: ObservedFleet, g: ObservedGroup): void {
  g.max = Math.max(g.max, g.min);
  g.desired = Math.min(g.max, Math.max(g.min, g.desired));
  const gone = g.instances.splice(g.desired);
  const lb = o.loadBalancer;
  if (lb) lb.instances = lb.instances.filter((i) => !gone.some((x) => x.id === i.id));
  for (let k = g.instances.length; k < g.desired; k++) {
    const id = `i-drift${g.generation}x${k}`;
    g.instances.push({ id, lifecycle: 'inService', lifecycleState: 'InService', healthStatus: 'Healthy', availabilityZone: 'eu-west-1a', launchTemplateVersion: g.launchTemplate?.version });
    if (lb && g.loadBalancerNames.includes(lb.name)) lb.instances.push({ id, state: 'InService' });
  }
}

function dropGroups(o: ObservedFleet): void {
  const ids = new Set(o.groups.flatMap((g) => g.instances.map((i) => i.id)));
  if (o.loadBalancer) o.loadBalancer.instances = o.loadBalancer.instances.filter((i) => !ids.has(i.id));
  o.groups = [];
  o.policies = [];
}

function drop(o: ObservedFleet, what: Extract<Perturbation, { op: 'drop' }>['what'], at: number): void {
  if (what === 'groups') return dropGroups(o);
  if (what === 'mountTarget') return void o.fileSystem?.mountTargets.splice(at, 1);
  if (what === 'alarm') return void o.alarms.splice(at, 1);
  if (what === 'policy') return void o.policies.splice(at, 1);
  delete o[what];
}

function driftGroup(o: ObservedFleet, p: Extract<Perturbation, { op: 'group' }>): void {
  const g = o.groups[0];
  if (!g) return;
  if (p.field === 'min') g.min = p.value % 12;
  if (p.field === 'max') g.max = p.value % 12;
  if (p.field === 'desired') g.desired = p.value % 12;
  if (p.field === 'healthCheckType') g.healthCheckType = 'EC2';
  if (p.field === 'grace') g.healthCheckGracePeriodSeconds = p.value;
  if (p.field === 'subnets') g.subnets = g.subnets.slice(0, 1).concat(p.value % 2 ? ['subnet-0a1b2c3d4e5f60005'] : []);
  if (p.field === 'detach') g.loadBalancerNames = [];
  settle(o, g);
}

function driftLoadBalancer(o: ObservedFleet, p: Extract<Perturbation, { op: 'lb' }>): void {
  const lb = o.loadBalancer;
  if (!lb) return;
  const hc = lb.healthCheck;
  if (p.field === 'target') hc.target = p.value % 2 ? 'TCP:8080' : 'HTTP:80/other';
  if (p.field === 'interval') hc.intervalSeconds = 5 + (p.value % 296);
  if (p.field === 'healthy') hc.healthyThreshold = 2 + (p.value % 9);
  if (p.field === 'draining') lb.connectionDrainingSeconds = 1 + (p.value % 3600);
  if (p.field === 'drainingOff') lb.connectionDrainingEnabled = !lb.connectionDrainingEnabled;
  if (p.field === 'crossZone') lb.crossZone = !lb.crossZone;
  if (p.field === 'instancePort' && lb.listeners[0]) lb.listeners[0].instancePort = 1 + (p.value % 9000);
  if (p.field === 'extraListener' && !lb.listeners.some((l) => l.port === 22)) lb.listeners.push({ protocol: 'TCP', port: 22, instanceProtocol: 'TCP', instancePort: 22 });
  if (p.field === 'dropListener') lb.listeners.splice(p.value % Math.max(1, lb.listeners.length), 1);
}

function driftScaling(o: ObservedFleet, p: Extract<Perturbation, { op: 'alarm' | 'policy' }>): void {
  if (p.op === 'policy') {
    const pol = o.policies[p.at];
    if (!pol) return;
    if (p.field === 'cooldown') pol.cooldownSeconds = p.value;
    if (p.field === 'adjustment') pol.adjustment = (p.value % 11) - 5;
    if (p.field === 'type') pol.adjustmentType = 'PercentChangeInCapacity';
    return;
  }
  const a = o.alarms[p.at];
  if (!a) return;
  if (p.field === 'threshold') a.threshold = p.value % 101;
  if (p.field === 'periods') a.periods = 1 + (p.value % 10);
  if (p.field === 'actions') a.actions = p.value % 2 ? [] : ['arn:aws:autoscaling:eu-west-1:123456789012:scalingPolicy:0:autoScalingGroupName/x:policyName/y'];
  if (p.field === 'dimension') a.dimensions = { AutoScalingGroupName: 'someone-else' };
  if (p.field === 'comparison') a.comparison = 'LessThanThreshold';
}

function driftTemplate(o: ObservedFleet, field: Extract<Perturbation, { op: 'template' }>['field']): void {
  const lt = o.launchTemplate;
  if (!lt) return;
  if (field === 'instanceType') lt.instanceType = 'm5.xlarge';
  if (field === 'userData') lt.userData = '#!/bin/bash\necho tampered\n';
  if (field === 'keyName') lt.keyName = lt.keyName ? undefined : 'stray-key';
  if (field === 'securityGroups') lt.securityGroups = [SECURITY_GROUPS[2]];
}

function extra(o: ObservedFleet, d: DesiredFleet, what: Extract<Perturbation, { op: 'extra' }>['what']): void {
  const n = resourceNames(d.name);
  const g = o.groups[0];
  const policy = (name: string, group: string) => ({ name, arn: `arn:aws:autoscaling:eu-west-1:123456789012:scalingPolicy:9:autoScalingGroupName/${group}:policyName/${name}`, groupName: group, adjustment: 1, adjustmentType: 'ChangeInCapacity', cooldownSeconds: 60 });
  if (what === 'alarm') {
    const name = `${d.name}-old`;
    const arn = `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${name}`;
    o.alarms.push({ name, arn, tags: ownershipTags(d.name), metric: 'CPUUtilization', namespace: 'AWS/EC2', comparison: 'GreaterThanThreshold', threshold: 50, periods: 1, periodSeconds: 60, statistic: 'Average', dimensions: {}, actions: [], state: 'OK' });
  }
  if (what === 'ourPolicies' && g && !o.policies.some((x) => x.groupName === g.name)) o.policies.push(policy(n.scaleOutPolicy, g.name), policy(n.scaleInPolicy, g.name));
  if (what === 'foreignPolicy' && g) o.policies.push(policy('someone-elses-policy', g.name));
  if (what === 'efs' && !d.storage && !o.fileSystem) {
    const full = convergedWorld({ ...d, storage: { efs: { name: 'media', mountPath: '/srv', encrypted: true, performanceMode: 'generalPurpose' } } });
    Object.assign(o, { fileSystem: full.fileSystem, efsSecurityGroup: full.efsSecurityGroup });
  }
  if (what === 'mountTarget' && o.fileSystem && !o.fileSystem.mountTargets.some((m) => m.availabilityZone === 'eu-west-1d')) {
    o.fileSystem.mountTargets.push({ id: 'fsmt-0stray', subnetId: 'subnet-0a1b2c3d4e5f60005', lifeCycleState: 'available', availabilityZone: SUBNET_ZONES['subnet-0a1b2c3d4e5f60005'] });
  }
  if (what === 'nfsSource' && o.efsSecurityGroup) o.efsSecurityGroup.nfsIngressFrom.push('sg-0stray000000001');
  if (what === 'oldGroup' && g && !o.groups.some((x) => x.generation === 0)) {
    // A generation older than the active one, scaled to 0 and detached (what a deployment leaves behind).
    const old = { ...structuredClone(g), name: groupName(d.name, 0), generation: 0, tags: { ...g.tags, [TAG_GENERATION]: '0' }, min: 0, max: 0, desired: 0, instances: [], loadBalancerNames: [] };
    o.groups.push(old);
  }
}

function hooks(o: ObservedFleet, variant: Extract<Perturbation, { op: 'hooks' }>['variant']): void {
  const g = o.groups[0];
  if (!g?.lifecycleHooks) return;
  if (variant === 'missing') g.lifecycleHooks = g.lifecycleHooks.filter((h) => h.name !== LAUNCHING_HOOK);
  const term = g.lifecycleHooks.find((h) => h.name === TERMINATING_HOOK);
  if (variant === 'target' && term) term.notificationTargetArn = 'arn:aws:sqs:eu-west-1:123456789012:old-queue';
  if (variant === 'heartbeat' && term) term.heartbeatTimeoutSeconds = 3600;
  if (variant === 'stale') g.lifecycleHooks.push({ name: 'drover-retired', transition: 'launching', heartbeatTimeoutSeconds: 60, defaultResult: 'CONTINUE' });
}

/** Replace drover's resource with an untagged one of the same name: observe then reports a conflict. */
function conflict(o: ObservedFleet, d: DesiredFleet, type: NameConflict['resourceType'], at: number): void {
  const n = resourceNames(d.name);
  const names: Record<string, string> = {
    loadBalancer: d.loadBalancer.name,
    launchTemplate: n.launchTemplate,
    autoScalingGroup: groupName(d.name, 1),
    securityGroup: n.efsSecurityGroup,
    fileSystem: n.efsCreationToken,
    alarm: at ? n.scaleInAlarm : n.scaleOutAlarm,
  };
  const name = names[type];
  if (type === 'loadBalancer') delete o.loadBalancer;
  if (type === 'launchTemplate') delete o.launchTemplate;
  if (type === 'autoScalingGroup') dropGroups(o);
  if (type === 'securityGroup') delete o.efsSecurityGroup;
  if (type === 'fileSystem') delete o.fileSystem;
  if (type === 'alarm') o.alarms = o.alarms.filter((a) => a.name !== name);
  if (!o.conflicts.some((c) => c.resourceType === type && c.name === name)) o.conflicts.push({ resourceType: type, name });
}

/** Apply `changes` to a copy of `world`. */
export function perturb(world: ObservedFleet, d: DesiredFleet, changes: Perturbation[]): ObservedFleet {
  const o = structuredClone(world);
  for (const p of changes) {
    if (p.op === 'drop') drop(o, p.what, p.at);
    else if (p.op === 'group') driftGroup(o, p);
    else if (p.op === 'lb') driftLoadBalancer(o, p);
    else if (p.op === 'alarm' || p.op === 'policy') driftScaling(o, p);
    else if (p.op === 'template') driftTemplate(o, p.field);
    else if (p.op === 'extra') extra(o, d, p.what);
    else if (p.op === 'nfsMissing') o.efsSecurityGroup?.nfsIngressFrom.splice(0, 1);
    else if (p.op === 'deregister' && o.loadBalancer) o.loadBalancer.instances.splice(0, p.count);
    else if (p.op === 'hooks') hooks(o, p.variant);
    else if (p.op === 'conflict') conflict(o, d, p.type, p.at);
  }
  return o;
}
