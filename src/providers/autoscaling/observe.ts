/** Observe the fleet's Auto Scaling groups (by ownership tag) and their scaling policies. */
import { paginate } from '../../aws/paginate';
import { call } from '../../aws/call';
import type { AutoScalingGroup } from '../../aws/types';
import { groupName, isOwnedBy, parseGroupGeneration, TAG_FLEET, TAG_GENERATION } from '../../model/names';
import type { NameConflict, ObservedGroup, ObservedPolicy } from '../../model/observed';
import type { AwsPort } from '../../aws/port';
import { tagsFromList } from '../../aws/tags';
import type { Reader } from '../observe-context';
import { parseGroupLifecycle, parseInstanceLifecycle } from './states';

export interface GroupsObservation {
  groups: ObservedGroup[];
  conflict?: NameConflict;
}

export async function observeGroups(clients: AwsPort, fleet: string, r: Reader): Promise<GroupsObservation> {
  const found = await describeGroups(clients, r, `describing auto scaling groups`, {
    Filters: [{ Name: `tag:${TAG_FLEET}`, Values: [fleet] }],
  });
  const groups = found.map(toObservedGroup(fleet)).filter((g) => isOwnedBy(g.tags, fleet));
  if (groups.length) return { groups: groups.sort((a, b) => a.generation - b.generation) };
  // No owned group: make sure the first generation's name is free.
  const first = groupName(fleet, 1);
  const same = await describeGroups(clients, r, `describing auto scaling group ${first}`, { AutoScalingGroupNames: [first] });
  return same.length ? { groups: [], conflict: { resourceType: 'autoScalingGroup', name: first } } : { groups: [] };
}

async function describeGroups(
  clients: AwsPort,
  r: Reader,
  what: string,
  input: { Filters?: Array<{ Name: string; Values: string[] }>; AutoScalingGroupNames?: string[] },
): Promise<AutoScalingGroup[]> {
  return paginate(
    (NextToken) => call(r, what, () => clients.autoScaling.DescribeAutoScalingGroups({ ...input, NextToken })),
    (page) => page.AutoScalingGroups,
  );
}

const toObservedGroup =
  (fleet: string) =>
  (g: AutoScalingGroup): ObservedGroup => {
    const tags = tagsFromList(g.Tags);
    const name = g.AutoScalingGroupName ?? '';
    const lt = g.LaunchTemplate ?? g.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
    return {
      name,
      tags,
      generation: Number(tags[TAG_GENERATION]) || parseGroupGeneration(fleet, name) || 0,
      ...(lt?.LaunchTemplateId ? { launchTemplate: { id: lt.LaunchTemplateId, version: lt.Version ?? '$Default' } } : {}),
      min: g.MinSize ?? 0,
      max: g.MaxSize ?? 0,
      desired: g.DesiredCapacity ?? 0,
      subnets: (g.VPCZoneIdentifier ?? '').split(',').map((s) => s.trim()).filter(Boolean),
      loadBalancerNames: g.LoadBalancerNames ?? [],
      ...(g.TargetGroupARNs?.length ? { targetGroupArns: g.TargetGroupARNs } : {}),
      healthCheckType: g.HealthCheckType === 'ELB' ? 'ELB' : 'EC2',
      healthCheckGracePeriodSeconds: g.HealthCheckGracePeriod ?? 0,
      suspendedProcesses: (g.SuspendedProcesses ?? []).map((p) => p.ProcessName ?? '').filter(Boolean),
      instances: (g.Instances ?? []).map((i) => ({
        id: i.InstanceId ?? '',
        lifecycle: parseInstanceLifecycle(i.LifecycleState),
        lifecycleState: i.LifecycleState ?? '',
        healthStatus: i.HealthStatus === 'Unhealthy' ? 'Unhealthy' : 'Healthy',
        availabilityZone: i.AvailabilityZone ?? '',
        ...(i.LaunchTemplate?.Version ? { launchTemplateVersion: i.LaunchTemplate.Version } : {}),
      })),
      createdTime: g.CreatedTime ? new Date(g.CreatedTime).toISOString() : '',
      lifecycle: parseGroupLifecycle(g.Status),
    };
  };

/** Scaling policies of the given groups (one paginated call per group). */
export async function observePolicies(clients: AwsPort, groups: ObservedGroup[], r: Reader): Promise<ObservedPolicy[]> {
  const all: ObservedPolicy[] = [];
  for (const g of groups) {
    const policies = await paginate(
      (NextToken) =>
        call(r, `describing scaling policies of group ${g.name}`, () => clients.autoScaling.DescribePolicies({ AutoScalingGroupName: g.name, NextToken })),
      (page) => page.ScalingPolicies,
    );
    for (const p of policies) {
      all.push({
        name: p.PolicyName ?? '',
        arn: p.PolicyARN ?? '',
        groupName: p.AutoScalingGroupName ?? g.name,
        adjustment: p.ScalingAdjustment ?? 0,
        adjustmentType: p.AdjustmentType ?? '',
        cooldownSeconds: p.Cooldown ?? 0,
      });
    }
  }
  return all;
}
