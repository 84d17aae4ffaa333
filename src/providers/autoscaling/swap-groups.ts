/**
 * Auto Scaling group operations of a blue/green swap. Each is one idempotent step: it reads
 * the group first (or tolerates "already so" answers) and then acts.
 */
import { call, callOrMissing } from '../../aws/call';
import type { CreateGreenInput } from '../../model/deploy-io';
import { ownershipTags, TAG_GENERATION, TAG_ROLE } from '../../model/names';
import { createOwned, DONE } from '../apply-context';
import { hookSpecifications } from './apply-hooks';
import type { HookSpec } from '../../model/plan-params';
import type { AwsInput, AwsPort } from '../../aws/port';
import { tagsFromList } from '../../aws/tags';
import { applyContext, deployError, type DeployPortsContext } from '../deploy-context';
import { describeGroup, fleetGroups, isDeleting } from './fleet-groups';
import { fleetTemplate } from '../launchtemplate/versions';

/**
 * Suspended on a retired (blue) group: it must neither scale on alarms nor replace instances
 * whose ELB health it can no longer see. Launch and Terminate stay, so scale-to-zero works.
 */
export const RETIRED_PROCESSES = ['AlarmNotification', 'AZRebalance', 'ScheduledActions', 'ReplaceUnhealthy', 'HealthCheck'];

/** Min/max that admit `desired` while staying as close to the manifest as possible. */
export function sizeBounds(ctx: DeployPortsContext, desired: number): { min: number; max: number } {
  const cap = ctx.fleet.capacity;
  return { min: Math.min(cap.min, desired), max: Math.max(cap.max, desired) };
}

/** Green starts detached from the ELB, pinned to its explicit version, sized to serve `desired` at once. */
function greenGroupInput(ctx: DeployPortsContext, p: CreateGreenInput, launchTemplateId: string, hooks: HookSpec[] | undefined): AwsInput<'AutoScaling', 'CreateAutoScalingGroup'> {
  const tags = { ...ownershipTags(ctx.fleet.name), [TAG_GENERATION]: String(p.generation), [TAG_ROLE]: 'web', Name: ctx.fleet.name };
  const { min, max } = sizeBounds(ctx, p.desired);
  return {
    AutoScalingGroupName: p.groupName,
    LaunchTemplate: { LaunchTemplateId: launchTemplateId, Version: String(p.launchTemplateVersion) },
    MinSize: min,
    MaxSize: max,
    DesiredCapacity: p.desired,
    VPCZoneIdentifier: ctx.fleet.network.subnets.join(','),
    HealthCheckType: 'ELB',
    HealthCheckGracePeriod: ctx.fleet.loadBalancer.healthCheckGracePeriodSeconds,
    Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value, PropagateAtLaunch: true, ResourceId: p.groupName, ResourceType: 'auto-scaling-group' })),
    ...hookSpecifications(hooks),
  };
}

/** `hooks`: the lifecycle hooks the group is born with (the caller asks the planner), none when undefined. */
export async function createGreenGroup(clients: AwsPort, ctx: DeployPortsContext, p: CreateGreenInput, hooks: HookSpec[] | undefined): Promise<void> {
  const what = `creating auto scaling group ${p.groupName}`;
  const existing = await describeGroup(clients, ctx, p.groupName);
  if (isDeleting(existing)) throw deployError(ctx, what, `an earlier group ${p.groupName} is still being deleted`, 'dependency');
  if (existing) {
    if (tagsFromList(existing.Tags)[TAG_GENERATION] === String(p.generation)) return;
    throw deployError(ctx, what, `a group of that name exists without generation ${p.generation}`, 'alreadyExists');
  }
  const lt = await fleetTemplate(clients, ctx);
  const outcome = await createOwned(
    applyContext(ctx),
    what,
    async () => {
      await call(ctx, what, () => clients.autoScaling.CreateAutoScalingGroup(greenGroupInput(ctx, p, lt.id, hooks)));
      return DONE;
    },
    // A group AWS does not show yet has no tags to judge: undefined (wait), not {} (someone else's).
    async () => {
      const g = await describeGroup(clients, ctx, p.groupName);
      return g ? tagsFromList(g.Tags) : undefined;
    },
  );
  if (outcome.status === 'waiting') throw deployError(ctx, what, outcome.reason, 'dependency');
}

export async function attachToLoadBalancer(clients: AwsPort, ctx: DeployPortsContext, groupName: string): Promise<void> {
  const lb = ctx.fleet.loadBalancer.name;
  await call(ctx, `attaching group ${groupName} to load balancer ${lb}`, () =>
    clients.autoScaling.AttachLoadBalancers({ AutoScalingGroupName: groupName, LoadBalancerNames: [lb] }),
  );
}

/** Detach from the load balancer (its instances drain); a missing group is already detached. */
export async function detachFromLoadBalancer(clients: AwsPort, ctx: DeployPortsContext, groupName: string): Promise<void> {
  const lb = ctx.fleet.loadBalancer.name;
  await callOrMissing(ctx, `detaching group ${groupName} from load balancer ${lb}`, () =>
    clients.autoScaling.DetachLoadBalancers({ AutoScalingGroupName: groupName, LoadBalancerNames: [lb] }),
  );
}

export async function suspendProcesses(clients: AwsPort, ctx: DeployPortsContext, groupName: string, processes: string[]): Promise<void> {
  await callOrMissing(ctx, `suspending ${processes.join(', ')} of group ${groupName}`, () =>
    clients.autoScaling.SuspendProcesses({ AutoScalingGroupName: groupName, ScalingProcesses: processes }),
  );
}

export async function resumeProcesses(clients: AwsPort, ctx: DeployPortsContext, groupName: string, processes: string[]): Promise<void> {
  if (!processes.length) return;
  await call(ctx, `resuming ${processes.join(', ')} of group ${groupName}`, () =>
    clients.autoScaling.ResumeProcesses({ AutoScalingGroupName: groupName, ScalingProcesses: processes }),
  );
}

export async function setGroupSize(
  clients: AwsPort,
  ctx: DeployPortsContext,
  groupName: string,
  size: { min: number; max: number; desired: number },
): Promise<void> {
  await call(ctx, `setting group ${groupName} to ${size.desired} instances`, () =>
    clients.autoScaling.UpdateAutoScalingGroup({ AutoScalingGroupName: groupName, MinSize: size.min, MaxSize: size.max, DesiredCapacity: size.desired }),
  );
}

export async function scaleToZero(clients: AwsPort, ctx: DeployPortsContext, groupName: string): Promise<void> {
  await callOrMissing(ctx, `scaling group ${groupName} to zero`, () =>
    clients.autoScaling.UpdateAutoScalingGroup({ AutoScalingGroupName: groupName, MinSize: 0, DesiredCapacity: 0 }),
  );
}

/** Force-delete (instances drain and terminate); a group gone or being deleted is done. */
export async function deleteGroup(clients: AwsPort, ctx: DeployPortsContext, groupName: string): Promise<void> {
  await callOrMissing(ctx, `deleting auto scaling group ${groupName}`, () =>
    clients.autoScaling.DeleteAutoScalingGroup({ AutoScalingGroupName: groupName, ForceDelete: true }),
  );
}

/** Groups that serve from the load balancer get back the health checks retiring them suspended. */
export async function resumeHealthChecksOfServingGroups(clients: AwsPort, ctx: DeployPortsContext, except: string): Promise<void> {
  const lb = ctx.fleet.loadBalancer.name;
  for (const g of await fleetGroups(clients, ctx)) {
    if (g.name === except || isDeleting(g) || !g.loadBalancerNames.includes(lb)) continue;
    const suspended = RETIRED_PROCESSES.filter((p) => g.suspendedProcesses.includes(p));
    await resumeProcesses(clients, ctx, g.name, suspended);
  }
}

/** Adds (or overwrites) tags on a group; a missing group is an error the caller classifies. */
export async function tagGroup(clients: AwsPort, ctx: DeployPortsContext, groupName: string, tags: Record<string, string>): Promise<void> {
  const Tags = Object.entries(tags).map(([Key, Value]) => ({ Key, Value, PropagateAtLaunch: false, ResourceId: groupName, ResourceType: 'auto-scaling-group' }));
  await call(ctx, `tagging group ${groupName} with ${Object.keys(tags).join(', ')}`, () => clients.autoScaling.CreateOrUpdateTags({ Tags }));
}
