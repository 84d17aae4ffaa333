/**
 * A pure in-memory model of what AWS does when drover applies one plan step to a fleet, for
 * property tests: plan, apply here, observe (the result is the next ObservedFleet), plan again.
 * Deterministic and timeless: what AWS does asynchronously (mount targets, instance launches,
 * ELB registration of an attached group) is done at once. Creations carry drover's tags.
 * Two kinds of refusal: a PureWorldViolation is a step that must never be planned (it touches a
 * resource without drover's tags, re-creates what exists, breaks a rule AWS enforces); a
 * PureWorldWait is a step AWS would refuse for now because a dependency does not exist yet.
 */
import type { DesiredFleet } from '../../../src/model/fleet';
import { ownershipTags } from '../../../src/model/names';
import type { ObservedFleet, ObservedLoadBalancer, ObservedSecurityGroup } from '../../../src/model/observed';
import { isReportOnly, type PlanStep, type PlanStepKind } from '../../../src/model/plan';
import { GROUP_HANDLERS } from './pure-world-compute';
import {
  fileSystemOf,
  lbNamed,
  PURE_IDS,
  PureWorldViolation,
  PureWorldWait,
  refuseTaken,
  requireOwned,
  syncRegistrations,
  zoneOfSubnet,
  type Handler,
  type Handlers,
  type PureWorldOptions,
  type World,
} from './pure-world-core';

export { PureWorldViolation, PureWorldWait, type PureWorldOptions } from './pure-world-core';

const sameListener = (a: ObservedLoadBalancer['listeners'][number], b: ObservedLoadBalancer['listeners'][number]) =>
  a.protocol === b.protocol && a.instanceProtocol === b.instanceProtocol && a.instancePort === b.instancePort && (a.sslCertificateId ?? '') === (b.sslCertificateId ?? '');

const LB_HANDLERS: Handlers = {
  createLoadBalancer: (w, p, s) => {
    refuseTaken(w, 'loadBalancer', p.name, s.kind);
    if (w.o.loadBalancer) throw new PureWorldViolation(`${s.kind}: load balancer ${w.o.loadBalancer.name} already exists`);
    w.o.loadBalancer = {
      name: p.name,
      dnsName: `${p.name}-1.${w.d.region}.elb.amazonaws.com`,
      tags: ownershipTags(w.d.name),
      listeners: p.listeners.map((l) => ({ ...l })),
      subnets: [...p.subnets],
      securityGroups: [...p.securityGroups],
      // What CreateLoadBalancer leaves: the default health check, no draining, no cross-zone.
      healthCheck: { target: 'TCP:80', intervalSeconds: 30, timeoutSeconds: 5, healthyThreshold: 10, unhealthyThreshold: 2 },
      connectionDrainingEnabled: false,
      connectionDrainingSeconds: 300,
      crossZone: false,
      instances: [],
    };
  },
  configureHealthCheck: (w, p, s) => void (lbNamed(w, p.name, s.kind).healthCheck = { ...p.healthCheck }),
  modifyLoadBalancerAttributes: (w, p, s) => {
    const lb = lbNamed(w, p.name, s.kind);
    lb.connectionDrainingEnabled = p.connectionDrainingSeconds > 0;
    lb.connectionDrainingSeconds = p.connectionDrainingSeconds > 0 ? p.connectionDrainingSeconds : 300;
    lb.crossZone = p.crossZone;
  },
  createLoadBalancerListeners: (w, p, s) => {
    const lb = lbNamed(w, p.name, s.kind);
    for (const l of p.listeners) {
      const have = lb.listeners.find((x) => x.port === l.port);
      if (have && !sameListener(have, l)) throw new PureWorldViolation(`${s.kind}: DuplicateListener on port ${l.port}`);
      if (!have) lb.listeners.push({ ...l });
    }
  },
  deleteLoadBalancerListeners: (w, p, s) => {
    const lb = lbNamed(w, p.name, s.kind);
    lb.listeners = lb.listeners.filter((l) => !p.ports.includes(l.port));
  },
  registerInstances: (w, p, s) => {
    const lb = lbNamed(w, p.name, s.kind);
    for (const id of p.instanceIds as string[]) if (!lb.instances.some((i) => i.id === id)) lb.instances.push({ id, state: 'InService' });
  },
  deleteLoadBalancer: (w, p, s) => {
    lbNamed(w, p.name, s.kind);
    delete w.o.loadBalancer;
  },
};

// ---- shared storage ----

function securityGroupOf(w: World, p: { groupId?: string; groupName?: string; securityGroupId?: string; securityGroupName?: string }, what: string): ObservedSecurityGroup {
  const id = p.groupId ?? p.securityGroupId;
  const name = p.groupName ?? p.securityGroupName;
  if (!id && name) refuseTaken(w, 'securityGroup', name, what);
  const sg = w.o.efsSecurityGroup;
  if (!sg || (id ? sg.id !== id : sg.name !== name)) throw new PureWorldWait(`${what}: security group ${id ?? name} does not exist`);
  requireOwned(w, sg.tags, what);
  return sg;
}

const STORAGE_HANDLERS: Handlers = {
  createSecurityGroup: (w, p, s) => {
    refuseTaken(w, 'securityGroup', p.name, s.kind);
    if (w.o.efsSecurityGroup) throw new PureWorldViolation(`${s.kind}: security group ${p.name} already exists`);
    w.o.efsSecurityGroup = { id: PURE_IDS.securityGroup, name: p.name, tags: ownershipTags(w.d.name), nfsIngressFrom: [] };
  },
  authorizeNfsIngress: (w, p, s) => {
    const sg = securityGroupOf(w, p, s.kind);
    sg.nfsIngressFrom = [...new Set([...sg.nfsIngressFrom, ...p.sourceGroups])];
  },
  revokeNfsIngress: (w, p, s) => {
    const sg = securityGroupOf(w, p, s.kind);
    sg.nfsIngressFrom = sg.nfsIngressFrom.filter((x) => !p.sourceGroups.includes(x));
  },
  deleteSecurityGroup: (w, p, s) => {
    securityGroupOf(w, p, s.kind);
    if (w.o.fileSystem?.mountTargets.length) throw new PureWorldWait(`${s.kind}: DependencyViolation, mount targets still use the group`);
    delete w.o.efsSecurityGroup;
  },
  createFileSystem: (w, p, s) => {
    refuseTaken(w, 'fileSystem', p.creationToken, s.kind);
    if (w.o.fileSystem) throw new PureWorldViolation(`${s.kind}: file system ${p.creationToken} already exists`);
    const id = PURE_IDS.fileSystem;
    w.o.fileSystem = {
      id,
      arn: `arn:aws:elasticfilesystem:${w.d.region}:123456789012:file-system/${id}`,
      name: p.name,
      creationToken: p.creationToken,
      lifeCycleState: 'available',
      encrypted: p.encrypted,
      performanceMode: p.performanceMode,
      tags: ownershipTags(w.d.name),
      mountTargets: [],
    };
  },
  createMountTarget: (w, p, s) => {
    const fs = fileSystemOf(w, p, s.kind);
    securityGroupOf(w, { securityGroupId: p.securityGroupId, securityGroupName: p.securityGroupName }, s.kind);
    const zone = zoneOfSubnet(w, p.subnetId);
    if (fs.mountTargets.some((m) => (m.availabilityZone ?? m.subnetId) === zone)) {
      throw new PureWorldViolation(`${s.kind}: MountTargetConflict, file system already has a mount target in ${zone}`);
    }
    fs.mountTargets.push({ id: `fsmt-pure-${p.subnetId}`, subnetId: p.subnetId, lifeCycleState: 'available', availabilityZone: zone });
  },
  deleteMountTarget: (w, p, s) => {
    const fs = w.o.fileSystem;
    if (!fs?.mountTargets.some((m) => m.id === p.mountTargetId)) throw new PureWorldViolation(`${s.kind}: mount target ${p.mountTargetId} is not drover's`);
    requireOwned(w, fs.tags, s.kind);
    fs.mountTargets = fs.mountTargets.filter((m) => m.id !== p.mountTargetId);
  },
  deleteFileSystem: (w, p, s) => {
    const fs = fileSystemOf(w, p, s.kind);
    if (fs.mountTargets.length) throw new PureWorldWait(`${s.kind}: FileSystemInUse, ${fs.mountTargets.length} mount target(s) left`);
    delete w.o.fileSystem;
  },
};

const HANDLERS: Handlers = {
  ...LB_HANDLERS,
  ...STORAGE_HANDLERS,
  ...GROUP_HANDLERS,
  nameTaken: () => undefined,
};

/** The handler of the step's kind, given (a copy of) that kind's params. */
function runHandler<K extends PlanStepKind>(w: World, step: PlanStep<K>): void {
  const handler: Handler<K> | undefined = HANDLERS[step.kind];
  if (!handler) throw new PureWorldViolation(`${step.kind}: the pure world does not model this step`);
  handler(w, structuredClone(step.params), step);
}

/** The fleet as it would be observed after AWS ran `step`. Never mutates `observed`. */
export function applyStepPure(observed: ObservedFleet, step: PlanStep, desired: DesiredFleet, opts: PureWorldOptions = {}): ObservedFleet {
  const w: World = { o: structuredClone(observed), d: desired, opts };
  runHandler(w, step);
  syncRegistrations(w);
  return w.o;
}

/**
 * Apply steps in order, like apply does, then run the deployment a startDeployment step asks for
 * (apply skips report-only steps; the deployment runner starts after it). `stopAtWait`: stop at
 * the first step AWS would refuse for now, as apply does.
 */
export function applyPlanPure(observed: ObservedFleet, steps: PlanStep[], desired: DesiredFleet, opts: PureWorldOptions & { stopAtWait?: boolean } = {}): ObservedFleet {
  let world = observed;
  const ordered = [...steps.filter((s) => !isReportOnly(s)), ...steps.filter(isReportOnly)];
  for (const step of ordered) {
    try {
      world = applyStepPure(world, step, desired, opts);
    } catch (err) {
      if (opts.stopAtWait && err instanceof PureWorldWait) return world;
      throw err;
    }
  }
  return world;
}
