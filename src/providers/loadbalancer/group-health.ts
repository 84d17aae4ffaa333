/**
 * A group's instances split by whether they serve: InService and Healthy in the group, and
 * InService (not draining) on the fleet's load balancer (on an ALB/NLB: a healthy target of
 * its target group). Everything else is not in service.
 */
import { callOrMissing } from '../../aws/call';
import type { AutoScalingGroup } from '../../aws/types';
import type { GroupHealthFacts } from '../../model/deploy-io';
import type { AwsPort } from '../../aws/port';
import { CAPACITY_ATTEMPTS, describeLaunchFailure, launchFailureOf } from '../autoscaling/launch-failures';
import { type DeployPortsContext } from '../deploy-context';
import { describeGroup, isDeleting } from '../autoscaling/fleet-groups';
import { parseInstanceLifecycle } from '../autoscaling/states';
import { servingTargets } from '../targetgroup/swap';

/** Classic ELB keeps a draining instance `InService` and says so only in its description. */
const DRAINING = /deregistration currently in progress/i;

export async function pollGroupHealth(clients: AwsPort, ctx: DeployPortsContext, name: string): Promise<GroupHealthFacts> {
  const group = await describeGroup(clients, ctx, name);
  const nowMs = () => ctx.clock.nowMs();
  if (!group || isDeleting(group)) return { inService: [], notInService: [], nowMs: nowMs(), exists: false };
  const lbName = ctx.fleet.loadBalancer.name;
  // On an ALB/NLB, serving is being a healthy target of the fleet target group the group is in.
  const serving = ctx.fleet.loadBalancer.elbv2 ? await servingTargets(clients, ctx, group) : new Set<string>();
  if (!ctx.fleet.loadBalancer.elbv2 && group.LoadBalancerNames?.includes(lbName)) {
    const out = await callOrMissing(ctx, `describing instance health on load balancer ${lbName}`, () =>
      clients.elb.DescribeInstanceHealth({ LoadBalancerName: lbName }),
    );
    for (const s of out?.InstanceStates ?? []) {
      if (s.InstanceId && s.State === 'InService' && !DRAINING.test(s.Description ?? '')) serving.add(s.InstanceId);
    }
  }
  const inService: string[] = [];
  const notInService: string[] = [];
  for (const i of group.Instances ?? []) {
    if (!i.InstanceId) continue;
    const ok = i.LifecycleState === 'InService' && i.HealthStatus !== 'Unhealthy' && serving.has(i.InstanceId);
    (ok ? inService : notInService).push(i.InstanceId);
  }
  const launchFailure = await readLaunchFailure(clients, ctx, group);
  return {
    inService: inService.sort(),
    notInService: notInService.sort(),
    nowMs: nowMs(),
    exists: true,
    ...(group.DesiredCapacity !== undefined ? { desired: group.DesiredCapacity } : {}),
    ...(launchFailure ? { launchFailure } : {}),
  };
}

/** Instances that count toward the group's capacity (not on their way out). */
function liveInstances(group: AutoScalingGroup): number {
  return (group.Instances ?? []).filter((i) => !['terminating', 'terminated'].includes(parseInstanceLifecycle(i.LifecycleState))).length;
}

/**
 * Why the group cannot reach its capacity, from its scaling activities: read only for a group
 * short of instances (a full group costs no extra call).
 */
async function readLaunchFailure(clients: AwsPort, ctx: DeployPortsContext, group: AutoScalingGroup): Promise<string | undefined> {
  const name = group.AutoScalingGroupName ?? '';
  if (liveInstances(group) >= (group.DesiredCapacity ?? 0)) return undefined;
  const out = await callOrMissing(ctx, `describing scaling activities of group ${name}`, () =>
    clients.autoScaling.DescribeScalingActivities({ AutoScalingGroupName: name, MaxRecords: 2 * CAPACITY_ATTEMPTS }),
  );
  const failure = launchFailureOf(out?.Activities ?? []);
  return failure && describeLaunchFailure(name, failure);
}
