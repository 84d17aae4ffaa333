/**
 * The pure world's compute side (see pure-world.ts): launch template, Auto Scaling groups and
 * their instances, lifecycle hooks, scaling policies, alarms, and a deployment's end state.
 */
import { groupName as versionedGroupName, ownershipTags, TAG_GENERATION } from '../../../src/model/names';
import type { ObservedGroup, ObservedLaunchTemplate, ObservedLifecycleHook } from '../../../src/model/observed';
import type { TemplateParams, TemplateVersionParams } from '../../../src/model/plan-params';
import { fillFileSystemId } from '../../../src/model/user-data';
import { fileSystemOf, lbNamed, PURE_IDS, PureWorldViolation, PureWorldWait, refuseTaken, requireOwned, zoneOfSubnet, type Handler, type Handlers, type World } from './pure-world-core';

function templateFields(w: World, p: TemplateParams, what: string): Pick<ObservedLaunchTemplate, 'imageId' | 'instanceType' | 'keyName' | 'securityGroups' | 'userData'> {
  // The planner rendered the user-data; its file system must exist, and fills the slot if the plan created it.
  const s = p.storage;
  const fileSystemId = s ? fileSystemOf(w, { fileSystemId: s.fileSystemId, creationToken: s.creationToken }, what).id : undefined;
  return {
    imageId: p.imageId,
    instanceType: p.instanceType,
    ...(p.keyName ? { keyName: p.keyName } : {}),
    securityGroups: [...p.securityGroups],
    userData: fileSystemId ? fillFileSystemId(p.userData, fileSystemId) : p.userData,
  };
}

function templateById(w: World, id: string, what: string): ObservedLaunchTemplate {
  const lt = w.o.launchTemplate;
  if (!lt || lt.id !== id) throw new PureWorldWait(`${what}: launch template ${id} does not exist`);
  requireOwned(w, lt.tags, what);
  return lt;
}

/** A new default version with `fields`; returns its number. */
function addVersion(lt: ObservedLaunchTemplate, fields: ReturnType<typeof templateFields>): number {
  const v = lt.latestVersion + 1;
  delete lt.keyName;
  Object.assign(lt, fields, { latestVersion: v, defaultVersion: v, versionImages: { ...lt.versionImages, [String(v)]: fields.imageId } });
  return v;
}

export function groupNamed(w: World, name: string, what: string): ObservedGroup {
  refuseTaken(w, 'autoScalingGroup', name, what);
  const g = w.o.groups.find((x) => x.name === name);
  if (!g) throw new PureWorldWait(`${what}: auto scaling group ${name} does not exist`);
  requireOwned(w, g.tags, what);
  return g;
}

/** Launch or terminate instances until the group runs `desired` (at once; all InService and registered). */
function resize(w: World, g: ObservedGroup): void {
  if (g.min > g.max) throw new PureWorldViolation(`auto scaling group ${g.name}: min ${g.min} is above max ${g.max}`);
  g.desired = Math.min(g.max, Math.max(g.min, g.desired));
  const gone = g.instances.splice(g.desired);
  if (w.o.loadBalancer) w.o.loadBalancer.instances = w.o.loadBalancer.instances.filter((i) => !gone.some((x) => x.id === i.id));
  const taken = new Set(w.o.groups.flatMap((x) => x.instances.map((i) => i.id)));
  for (let k = 0; g.instances.length < g.desired; k++) {
    const id = `i-pure${g.generation}x${k}`;
    if (taken.has(id)) continue;
    const subnet = g.subnets[k % g.subnets.length] ?? '';
    g.instances.push({ id, lifecycle: 'inService', lifecycleState: 'InService', healthStatus: 'Healthy', availabilityZone: zoneOfSubnet(w, subnet), launchTemplateVersion: g.launchTemplate?.version });
  }
}

interface NewGroup {
  name: string;
  generation: number;
  version: number;
  min: number;
  max: number;
  desired: number;
  subnets: string[];
  loadBalancerName: string;
  healthCheckGracePeriodSeconds: number;
  lifecycleHooks?: ObservedLifecycleHook[];
}

function launchGroup(w: World, lt: ObservedLaunchTemplate, n: NewGroup): ObservedGroup {
  if (w.o.groups.some((g) => g.name === n.name)) throw new PureWorldViolation(`auto scaling group ${n.name} already exists`);
  const g: ObservedGroup = {
    name: n.name,
    tags: { ...ownershipTags(w.d.name), [TAG_GENERATION]: String(n.generation) },
    generation: n.generation,
    launchTemplate: { id: lt.id, version: String(n.version) },
    min: n.min,
    max: n.max,
    desired: n.desired,
    subnets: [...n.subnets],
    loadBalancerNames: [n.loadBalancerName],
    healthCheckType: 'ELB',
    healthCheckGracePeriodSeconds: n.healthCheckGracePeriodSeconds,
    suspendedProcesses: [],
    instances: [],
    createdTime: '2026-01-01T00:00:00.000Z',
    lifecycle: 'active',
    ...(w.opts.observeHooks ? { lifecycleHooks: (n.lifecycleHooks ?? []).map((h) => ({ ...h })) } : {}),
  };
  w.o.groups.push(g);
  resize(w, g);
  return g;
}

/** The group waits for shared storage: the file system and every mount target available (instances mount it at boot). */
function requireStorageReady(w: World, token: string, what: string): void {
  const fs = fileSystemOf(w, { creationToken: token }, what);
  if (!fs.mountTargets.length) throw new PureWorldWait(`${what}: file system ${fs.id} has no mount targets yet`);
}

const TEMPLATE_HANDLERS: Handlers = {
  createLaunchTemplate: (w, p: TemplateParams, s) => {
    refuseTaken(w, 'launchTemplate', p.name, s.kind);
    if (w.o.launchTemplate) throw new PureWorldViolation(`${s.kind}: launch template ${p.name} already exists`);
    const fields = templateFields(w, p, s.kind);
    const lt = { id: PURE_IDS.launchTemplate, name: p.name, tags: ownershipTags(w.d.name), defaultVersion: 1, latestVersion: 1, ...fields };
    w.o.launchTemplate = { ...lt, versionImages: { '1': fields.imageId } };
  },
  createLaunchTemplateVersion: (w, p: TemplateVersionParams, s) => {
    const lt = templateById(w, p.launchTemplateId, s.kind);
    const g = p.groupName ? groupNamed(w, p.groupName, s.kind) : undefined;
    const v = addVersion(lt, templateFields(w, p, s.kind));
    if (g) g.launchTemplate = { id: lt.id, version: String(v) };
  },
  deleteLaunchTemplate: (w, p, s) => {
    const lt = templateById(w, p.launchTemplateId, s.kind);
    const user = w.o.groups.find((g) => g.launchTemplate?.id === lt.id);
    if (user) throw new PureWorldViolation(`${s.kind}: group ${user.name} still launches from ${lt.id}`);
    delete w.o.launchTemplate;
  },
};

const GROUP_LIFECYCLE: Handlers = {
  createAutoScalingGroup: (w, p, s) => {
    refuseTaken(w, 'autoScalingGroup', p.name, s.kind);
    refuseTaken(w, 'launchTemplate', p.launchTemplateName, s.kind);
    if (p.fileSystemToken) requireStorageReady(w, p.fileSystemToken, s.kind);
    const lt = w.o.launchTemplate;
    if (!lt || lt.name !== p.launchTemplateName) throw new PureWorldWait(`${s.kind}: launch template ${p.launchTemplateName} does not exist`);
    requireOwned(w, lt.tags, s.kind);
    lbNamed(w, p.loadBalancerName, s.kind);
    launchGroup(w, lt, { ...p, version: lt.defaultVersion });
  },
  updateAutoScalingGroup: (w, p, s) => {
    const g = groupNamed(w, p.name, s.kind);
    for (const key of ['min', 'max', 'desired', 'subnets', 'healthCheckType', 'healthCheckGracePeriodSeconds'] as const) {
      if (p[key] !== undefined) Object.assign(g, { [key]: p[key] });
    }
    resize(w, g);
  },
  attachLoadBalancer: (w, p, s) => {
    const g = groupNamed(w, p.groupName, s.kind);
    lbNamed(w, p.loadBalancerName, s.kind);
    if (!g.loadBalancerNames.includes(p.loadBalancerName)) g.loadBalancerNames.push(p.loadBalancerName);
  },
  deleteAutoScalingGroup: (w, p, s) => {
    const g = groupNamed(w, p.name, s.kind);
    w.o.groups = w.o.groups.filter((x) => x !== g);
    // Deleting a group deletes its scaling policies and terminates (deregisters) its instances.
    w.o.policies = w.o.policies.filter((x) => x.groupName !== g.name);
    const lb = w.o.loadBalancer;
    if (lb) lb.instances = lb.instances.filter((i) => !g.instances.some((x) => x.id === i.id));
  },
  putLifecycleHook: (w, p, s) => {
    const g = groupNamed(w, p.groupName, s.kind);
    const hooks = g.lifecycleHooks ?? [];
    const old = hooks.find((h) => h.name === p.name);
    // PutLifecycleHook keeps a notification target the call omits.
    const hook = { name: p.name, transition: p.transition, heartbeatTimeoutSeconds: p.heartbeatTimeoutSeconds, defaultResult: p.defaultResult };
    g.lifecycleHooks = [...hooks.filter((h) => h !== old), { ...hook, ...(old?.notificationTargetArn ? { notificationTargetArn: old.notificationTargetArn } : {}) }];
  },
  deleteLifecycleHook: (w, p, s) => {
    const g = groupNamed(w, p.groupName, s.kind);
    g.lifecycleHooks = (g.lifecycleHooks ?? []).filter((h) => h.name !== p.name);
  },
};

export function policyArn(group: string, policy: string): string {
  return `arn:aws:autoscaling:eu-west-1:123456789012:scalingPolicy:0:autoScalingGroupName/${group}:policyName/${policy}`;
}

const SCALING_HANDLERS: Handlers = {
  putScalingPolicy: (w, p, s) => {
    groupNamed(w, p.groupName, s.kind);
    const policy = { name: p.name, arn: policyArn(p.groupName, p.name), groupName: p.groupName, adjustment: p.adjustment, adjustmentType: 'ChangeInCapacity', cooldownSeconds: p.cooldownSeconds };
    w.o.policies = [...w.o.policies.filter((x) => !(x.name === p.name && x.groupName === p.groupName)), policy];
  },
  deleteScalingPolicy: (w, p, s) => {
    groupNamed(w, p.groupName, s.kind);
    if (!w.o.policies.some((x) => x.name === p.name && x.groupName === p.groupName)) throw new PureWorldViolation(`${s.kind}: policy ${p.name} does not exist`);
    w.o.policies = w.o.policies.filter((x) => !(x.name === p.name && x.groupName === p.groupName));
  },
  putMetricAlarm: (w, p, s) => {
    refuseTaken(w, 'alarm', p.name, s.kind);
    groupNamed(w, p.groupName, s.kind);
    const arn = p.policyArn ?? w.o.policies.find((x) => x.name === p.policyName && x.groupName === p.groupName)?.arn;
    if (!arn) throw new PureWorldWait(`${s.kind}: scaling policy ${p.policyName} does not exist`);
    const old = w.o.alarms.find((a) => a.name === p.name);
    if (old) requireOwned(w, old.tags, s.kind);
    const alarm = {
      name: p.name,
      arn: old?.arn ?? `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${p.name}`,
      tags: old?.tags ?? ownershipTags(w.d.name),
      metric: p.metric,
      namespace: p.namespace,
      comparison: p.comparison,
      threshold: p.threshold,
      periods: p.periods,
      periodSeconds: p.periodSeconds,
      statistic: p.statistic,
      dimensions: { AutoScalingGroupName: p.groupName },
      actions: [arn],
      state: old?.state ?? ('INSUFFICIENT_DATA' as const),
    };
    w.o.alarms = [...w.o.alarms.filter((a) => a !== old), alarm];
  },
  deleteAlarm: (w, p, s) => {
    refuseTaken(w, 'alarm', p.name, s.kind);
    const alarm = w.o.alarms.find((a) => a.name === p.name);
    if (!alarm) throw new PureWorldViolation(`${s.kind}: alarm ${p.name} does not exist`);
    requireOwned(w, alarm.tags, s.kind);
    w.o.alarms = w.o.alarms.filter((a) => a !== alarm);
  },
};

/**
 * Not an AWS call: the end state of a successful blue/green deployment. Green (the next
 * generation) runs a new default template version, a copy of the default with only the AMI
 * changed (as the deploy actors make it), and is attached; blue is kept at 0, detached.
 */
const startDeployment: Handler<'startDeployment'> = (w, p, s) => {
  const blue = groupNamed(w, p.group, s.kind);
  const lt = templateById(w, p.launchTemplateId, s.kind);
  const { instanceType, keyName, securityGroups, userData } = lt;
  const version = addVersion(lt, { imageId: p.toAmi, instanceType, ...(keyName ? { keyName } : {}), securityGroups, userData });
  const lbName = w.d.loadBalancer.name;
  const cap = w.d.capacity;
  const green = { name: versionedGroupName(w.d.name, p.generation), generation: p.generation, version, min: cap.min, max: cap.max, desired: blue.desired };
  launchGroup(w, lt, { ...green, subnets: w.d.network.subnets, loadBalancerName: lbName, healthCheckGracePeriodSeconds: w.d.loadBalancer.healthCheckGracePeriodSeconds });
  Object.assign(blue, { min: 0, max: 0, desired: 0, loadBalancerNames: blue.loadBalancerNames.filter((n) => n !== lbName) });
  resize(w, blue);
};

export const GROUP_HANDLERS: Handlers = {
  ...TEMPLATE_HANDLERS,
  ...GROUP_LIFECYCLE,
  ...SCALING_HANDLERS,
  startDeployment,
};
