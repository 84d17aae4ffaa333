/**
 * Invariants every plan must keep, checked step by step against the world it was planned for:
 * ownership (a step only touches what drover owns or creates earlier in the same plan, never a
 * name held by an untagged resource) and order (dependencies are created first, dependents
 * deleted first). Each returns the list of broken rules, empty when the plan is sound.
 */
import { isOwnedBy } from '../../../src/model/names';
import type { ObservedFleet } from '../../../src/model/observed';
import type { PlanStep, PlanStepKind } from '../../../src/model/plan';

/** Steps that create their own `resource` (puts create or update). */
const CREATES = new Set<PlanStepKind>([
  'createLoadBalancer',
  'createSecurityGroup',
  'createFileSystem',
  'createMountTarget',
  'createLaunchTemplate',
  'createAutoScalingGroup',
  'putLifecycleHook',
  'putScalingPolicy',
  'putMetricAlarm',
]);

/** Every `type/name` a step uses besides its own resource: what it attaches to, launches from or mounts. */
export function references(step: PlanStep): string[] {
  const p = step.params as Record<string, any>;
  const refs: string[] = [];
  const add = (type: string, name: unknown) => typeof name === 'string' && name && refs.push(`${type}/${name}`);
  add('loadBalancer', p.loadBalancerName);
  add('launchTemplate', p.launchTemplateName);
  add(step.kind === 'authorizeNfsIngress' ? 'securityGroup' : 'autoScalingGroup', p.groupName);
  if (step.kind === 'startDeployment') add('autoScalingGroup', p.group);
  add('fileSystem', p.creationToken);
  add('fileSystem', p.fileSystemToken);
  add('fileSystem', p.storage?.creationToken);
  add('securityGroup', p.securityGroupName);
  const [type, first, second] = step.resource.split('/');
  if (type === 'mountTarget') add('fileSystem', first);
  if (type === 'lifecycleHook') add('autoScalingGroup', first);
  void second;
  return refs.filter((r) => r !== step.resource);
}

/** What drover owns in `o`, as plan resources (`type/name`). */
export function ownedResources(o: ObservedFleet): Set<string> {
  const fleet = o.name;
  const out = new Set<string>();
  const own = (tags: Record<string, string> | undefined, ref: string) => isOwnedBy(tags, fleet) && out.add(ref);
  own(o.loadBalancer?.tags, `loadBalancer/${o.loadBalancer?.name}`);
  own(o.launchTemplate?.tags, `launchTemplate/${o.launchTemplate?.name}`);
  own(o.efsSecurityGroup?.tags, `securityGroup/${o.efsSecurityGroup?.name}`);
  const fs = o.fileSystem;
  if (fs && isOwnedBy(fs.tags, fleet)) {
    out.add(`fileSystem/${fs.creationToken}`);
    for (const m of fs.mountTargets) out.add(`mountTarget/${fs.creationToken}/${m.subnetId}`);
  }
  for (const g of o.groups.filter((x) => isOwnedBy(x.tags, fleet))) {
    out.add(`autoScalingGroup/${g.name}`);
    for (const h of g.lifecycleHooks ?? []) out.add(`lifecycleHook/${g.name}/${h.name}`);
    for (const p of o.policies.filter((x) => x.groupName === g.name)) out.add(`policy/${p.name}`);
  }
  for (const a of o.alarms) own(a.tags, `alarm/${a.name}`);
  return out;
}

export function takenResources(o: ObservedFleet): Set<string> {
  return new Set(o.conflicts.map((c) => `${c.resourceType}/${c.name}`));
}

export function ownershipViolations(steps: PlanStep[], o: ObservedFleet): string[] {
  const known = ownedResources(o);
  const taken = takenResources(o);
  const broken: string[] = [];
  for (const [i, s] of steps.entries()) {
    if (s.kind === 'nameTaken') continue;
    const own = s.kind === 'startDeployment' ? [] : [s.resource];
    for (const ref of [...own, ...references(s)]) {
      if (taken.has(ref)) broken.push(`step ${i} ${s.kind} ${s.resource} touches ${ref}, held by a resource without drover's tags`);
      else if (!known.has(ref) && !(ref === s.resource && CREATES.has(s.kind))) broken.push(`step ${i} ${s.kind} ${s.resource} uses ${ref}, neither owned nor created earlier`);
    }
    if (CREATES.has(s.kind)) known.add(s.resource);
  }
  return broken;
}

/** [earlier, later]: when both kinds are in a plan, every `earlier` step comes before every `later` one. */
const ORDER: Array<[PlanStepKind, PlanStepKind]> = [
  // deletes: dependents first
  ['deleteAlarm', 'deleteScalingPolicy'],
  ['deleteScalingPolicy', 'deleteAutoScalingGroup'],
  ['deleteAlarm', 'deleteAutoScalingGroup'],
  ['deleteLifecycleHook', 'deleteAutoScalingGroup'],
  ['deleteAutoScalingGroup', 'deleteLaunchTemplate'],
  ['deleteAutoScalingGroup', 'deleteLoadBalancer'],
  ['deleteMountTarget', 'deleteFileSystem'],
  ['deleteFileSystem', 'deleteSecurityGroup'],
  ['deleteMountTarget', 'deleteSecurityGroup'],
  // the template stops mounting the share before the share goes
  ['createLaunchTemplateVersion', 'deleteFileSystem'],
  // creates: dependencies first
  ['createSecurityGroup', 'authorizeNfsIngress'],
  ['createSecurityGroup', 'createMountTarget'],
  ['createFileSystem', 'createMountTarget'],
  ['createFileSystem', 'createLaunchTemplate'],
  ['createFileSystem', 'createLaunchTemplateVersion'],
  ['createMountTarget', 'createAutoScalingGroup'],
  ['createLoadBalancer', 'configureHealthCheck'],
  ['createLoadBalancer', 'modifyLoadBalancerAttributes'],
  ['createLoadBalancer', 'createLoadBalancerListeners'],
  ['createLoadBalancer', 'registerInstances'],
  ['createLoadBalancer', 'createAutoScalingGroup'],
  ['createLoadBalancer', 'attachLoadBalancer'],
  ['createLaunchTemplate', 'createAutoScalingGroup'],
  ['createAutoScalingGroup', 'putScalingPolicy'],
  ['createAutoScalingGroup', 'putMetricAlarm'],
  ['createAutoScalingGroup', 'putLifecycleHook'],
  ['putScalingPolicy', 'putMetricAlarm'],
  ['deleteLoadBalancerListeners', 'createLoadBalancerListeners'],
];

export function orderViolations(steps: PlanStep[]): string[] {
  const broken: string[] = [];
  const last = (kind: PlanStepKind) => steps.map((s) => s.kind).lastIndexOf(kind);
  const first = (kind: PlanStepKind) => steps.findIndex((s) => s.kind === kind);
  for (const [earlier, later] of ORDER) {
    const e = last(earlier);
    const l = first(later);
    if (e >= 0 && l >= 0 && e > l) broken.push(`${later} (step ${l}) comes before ${earlier} (step ${e})`);
  }
  // Re-creating a lifecycle hook: the delete comes before the put of the same hook.
  steps.forEach((s, i) => {
    if (s.kind !== 'deleteLifecycleHook') return;
    const put = steps.findIndex((x) => x.kind === 'putLifecycleHook' && x.resource === s.resource);
    if (put >= 0 && put < i) broken.push(`putLifecycleHook ${s.resource} (step ${put}) comes before its delete (step ${i})`);
  });
  return broken;
}
