/** DescribeAutoScalingGroups and DescribeScalingActivities. */
import { SimCore } from '../core';
import { HandlerMap } from '../handler';
import { buildTagIndex, keyRank, pickInOrder, tagCandidates } from '../indexes';
import { paginate } from '../paginate';
import { GroupRec } from '../state';
import { validation } from './find';

function groupMatches(g: GroupRec, filter: { Name?: string; Values?: string[] }): boolean {
  const name = filter.Name ?? '';
  const values = filter.Values ?? [];
  if (name.startsWith('tag:')) return g.tags.some((t) => t.key === name.slice(4) && values.includes(t.value));
  if (name === 'tag-key') return g.tags.some((t) => values.includes(t.key));
  if (name === 'tag-value') return g.tags.some((t) => values.includes(t.value));
  return values.includes(g.name);
}

export function groupOut(sim: SimCore, g: GroupRec) {
  const azs = [...new Set(g.subnets.map((id) => sim.state.subnets.find((s) => s.id === id)?.az ?? ''))];
  return {
    AutoScalingGroupName: g.name,
    AutoScalingGroupARN: g.arn,
    LaunchTemplate: { LaunchTemplateId: g.launchTemplate.id, LaunchTemplateName: g.launchTemplate.name, Version: g.launchTemplate.version },
    MinSize: g.min,
    MaxSize: g.max,
    DesiredCapacity: g.desired,
    DefaultCooldown: g.defaultCooldown,
    AvailabilityZones: azs,
    LoadBalancerNames: [...g.loadBalancers],
    TargetGroupARNs: [...(g.targetGroups ?? [])],
    HealthCheckType: g.healthCheckType,
    HealthCheckGracePeriod: g.healthCheckGracePeriod,
    Instances: Object.values(g.instances).map((i) => ({
      InstanceId: i.id,
      InstanceType: sim.state.instances[i.id]?.instanceType,
      AvailabilityZone: i.az,
      LifecycleState: i.lifecycle,
      HealthStatus: i.health,
      LaunchTemplate: { LaunchTemplateId: i.launchTemplate.id, LaunchTemplateName: i.launchTemplate.name, Version: i.launchTemplate.version },
      ProtectedFromScaleIn: i.protected,
    })),
    CreatedTime: sim.date(g.createdAt),
    SuspendedProcesses: g.suspended.map((p) => ({ ProcessName: p.process, SuspensionReason: p.reason })),
    VPCZoneIdentifier: g.subnets.join(','),
    EnabledMetrics: [],
    Tags: g.tags.map((t) => ({ ResourceId: g.name, ResourceType: 'auto-scaling-group', Key: t.key, Value: t.value, PropagateAtLaunch: t.propagate })),
    TerminationPolicies: ['Default'],
    NewInstancesProtectedFromScaleIn: g.newInstancesProtected,
    ServiceLinkedRoleARN: `arn:aws:iam::${sim.state.accountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
    CapacityRebalance: false,
    Status: g.deleting ? 'Delete in progress' : undefined,
  };
}

/** The groups that can match: picked by name or by a `tag:` filter through the indexes, else all; in state order. */
function groupCandidates(sim: SimCore, names: string[] | undefined, filters: Array<{ Name?: string; Values?: string[] }>): GroupRec[] {
  const groups = sim.state.groups;
  if (names) return pickInOrder(groups, names, () => sim.indexes.get(sim.state, 'groups.rank', (s) => keyRank(s.groups)));
  const tag = filters.find((f) => f.Name?.startsWith('tag:'));
  if (tag) {
    const index = sim.indexes.get(sim.state, 'groups.tags', (s) => buildTagIndex(Object.values(s.groups), (g) => g.tags.map((t): [string, string] => [t.key, t.value])));
    const picked = tagCandidates(index, tag.Name!.slice(4), tag.Values ?? []);
    if (picked) return picked.filter((g) => groups[g.name] === g);
  }
  return Object.values(groups);
}

function describeGroups(sim: SimCore, input: any) {
  const names: string[] | undefined = input.AutoScalingGroupNames?.length ? input.AutoScalingGroupNames : undefined;
  if (input.MaxRecords !== undefined && (input.MaxRecords < 1 || input.MaxRecords > 100)) throw validation(sim, 'MaxRecords must be between 1 and 100');
  const filters = (input.Filters ?? []) as Array<{ Name?: string; Values?: string[] }>;
  const all = groupCandidates(sim, names, filters).filter((g) => (!names || names.includes(g.name)) && filters.every((f) => groupMatches(g, f)));
  const page = paginate(sim, 'AutoScaling', all, input.NextToken, input.MaxRecords);
  return { AutoScalingGroups: page.items.map((g) => groupOut(sim, g)), NextToken: page.next };
}

function describeActivities(sim: SimCore, input: any) {
  const ids: string[] | undefined = input.ActivityIds?.length ? input.ActivityIds : undefined;
  const group = input.AutoScalingGroupName;
  const all = sim.state.activities
    .filter((a) => (!group || a.group === group) && (!ids || ids.includes(a.id)))
    .filter((a) => input.IncludeDeletedGroups || sim.state.groups[a.group])
    .slice()
    .reverse();
  const page = paginate(sim, 'AutoScaling', all, input.NextToken, input.MaxRecords, { defaultSize: 5 });
  return {
    Activities: page.items.map((a) => ({
      ActivityId: a.id,
      AutoScalingGroupName: a.group,
      AutoScalingGroupARN: sim.state.groups[a.group]?.arn,
      Description: a.description,
      Cause: a.cause,
      StartTime: sim.date(a.startedAt),
      EndTime: a.endedAt !== undefined ? sim.date(a.endedAt) : undefined,
      StatusCode: a.status,
      StatusMessage: a.statusMessage,
      Progress: a.progress,
      Details: a.details,
    })),
    NextToken: page.next,
  };
}

export const DESCRIBE_HANDLERS: HandlerMap = {
  DescribeAutoScalingGroups: describeGroups,
  DescribeScalingActivities: describeActivities,
};
