/**
 * Pure summaries for fleet status: what the manifest asks (spec) and what AWS has (observed),
 * with each group coloured and each instance joined with its load balancer health.
 */
import type { DesiredFleet } from '../../model/fleet';
import type { DeploymentStatus, ElbHealth, FleetStatusSpec, GroupColor, GroupStatus, InstanceStatus, ObservedSummary } from '../../model/fleet-status';
import type { InstanceLifecycle, ObservedFleet, ObservedGroup } from '../../model/observed';
import { activeAmi, activeGroup } from '../../planner/active-group';
import { loadBalancerInstances } from '../../model/target-groups';

export function specSummary(desired: DesiredFleet): FleetStatusSpec {
  const bake = desired.image.bake;
  return {
    ...(Object.keys(desired.labels).length ? { labels: { ...desired.labels } } : {}),
    region: desired.region,
    ...(desired.image.ami ? { ami: desired.image.ami } : {}),
    ...(bake ? { bake: { repository: bake.repository, branch: bake.branch } } : {}),
    instanceType: desired.instances.type,
    min: desired.capacity.min,
    max: desired.capacity.max,
    desired: desired.capacity.desired,
    strategy: desired.deploy.strategy,
    loadBalancer: desired.loadBalancer.name,
    ...(desired.storage ? { efs: desired.storage.efs.name } : {}),
    subnets: [...desired.network.subnets],
  };
}

/**
 * Blue and green only mean something while two groups exist or a deployment names its green
 * group: the newer generation (or the deployment's green) is green, the rest blue. Otherwise
 * the one group is `active`.
 */
export function groupColors(groups: ObservedGroup[], deployment?: DeploymentStatus): Map<string, GroupColor> {
  const named = deployment?.result === 'InProgress' ? deployment.green?.group : undefined;
  const newest = [...groups].sort((a, b) => b.generation - a.generation)[0];
  const green = named ?? (groups.length > 1 ? newest?.name : undefined);
  return new Map(groups.map((g) => [g.name, green === undefined ? 'active' : g.name === green ? 'green' : 'blue']));
}

/** EC2's state name as Auto Scaling's lifecycle implies it (the group does not report EC2 state). */
export function ec2StateOf(lifecycle: InstanceLifecycle): string {
  if (lifecycle === 'pending') return 'pending';
  if (lifecycle === 'terminated') return 'terminated';
  if (lifecycle === 'terminating') return 'shutting-down';
  return 'running';
}

type HealthMap = Map<string, ElbHealth>;

function instancesOf(g: ObservedGroup, color: GroupColor, groupAmi: string | undefined, observed: ObservedFleet, health: HealthMap): InstanceStatus[] {
  const versions = observed.launchTemplate?.versionImages ?? {};
  return g.instances.map((i) => {
    const ami = (i.launchTemplateVersion && versions[i.launchTemplateVersion]) || groupAmi;
    return {
      id: i.id,
      group: g.name,
      color,
      ...(ami ? { ami } : {}),
      state: ec2StateOf(i.lifecycle),
      elbHealth: health.get(i.id) ?? '—',
      lifecycleState: i.lifecycleState,
      ...(i.launchedAt ? { launchedAt: i.launchedAt } : {}),
      ...(i.availabilityZone ? { availabilityZone: i.availabilityZone } : {}),
    };
  });
}

function groupStatus(g: ObservedGroup, color: GroupColor, ami: string | undefined, health: HealthMap): GroupStatus {
  const inService = g.instances.filter((i) => i.lifecycle === 'inService' && health.get(i.id) === 'InService').length;
  return {
    name: g.name,
    color,
    generation: g.generation,
    ...(ami ? { ami } : {}),
    desired: g.desired,
    min: g.min,
    max: g.max,
    inService,
    instances: g.instances.length,
  };
}

export function observedSummary(desired: DesiredFleet, observed: ObservedFleet, deployment?: DeploymentStatus): ObservedSummary {
  const health: HealthMap = new Map(loadBalancerInstances(observed).map((i) => [i.id, i.state]));
  const colors = groupColors(observed.groups, deployment);
  const groups = [...observed.groups].sort((a, b) => a.generation - b.generation);
  const active = activeGroup(observed, desired.loadBalancer.name);
  return {
    ...(observed.loadBalancer ? { loadBalancerDns: observed.loadBalancer.dnsName } : {}),
    ...(active ? { activeGroup: active.name } : {}),
    groups: groups.map((g) => groupStatus(g, colors.get(g.name) ?? 'active', activeAmi(observed, g), health)),
    ...(observed.fileSystem ? { fileSystemId: observed.fileSystem.id } : {}),
    ...(observed.launchTemplate ? { launchTemplateId: observed.launchTemplate.id } : {}),
    alarms: observed.alarms.map((a) => ({ name: a.name, state: a.state })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    instances: groups.flatMap((g) => instancesOf(g, colors.get(g.name) ?? 'active', activeAmi(observed, g), observed, health)),
  };
}

/** The AMI the serving group runs, if any group exists. */
export function servingAmi(desired: DesiredFleet, observed: ObservedFleet): string | undefined {
  const group = activeGroup(observed, desired.loadBalancer.name);
  return group ? activeAmi(observed, group) : undefined;
}

/** Instances that are failing right now: unhealthy in the group or OutOfService on the load balancer. */
export function failingInstanceIds(observed: ObservedFleet): string[] {
  const out = new Set(loadBalancerInstances(observed).filter((i) => i.state === 'OutOfService').map((i) => i.id));
  const ids = observed.groups.flatMap((g) => g.instances.filter((i) => i.healthStatus === 'Unhealthy' || (i.lifecycle === 'inService' && out.has(i.id))));
  return [...new Set(ids.map((i) => i.id))].sort();
}
