/** The fleet's Auto Scaling groups as the observe side sees them (by ownership tag), and one group by name. */
import { callOrMissing } from '../../aws/call';
import type { AutoScalingGroup } from '../../aws/types';
import type { GroupLifecycle, ObservedGroup } from '../../model/observed';
import { parseGroupLifecycle } from './states';
import type { AwsPort } from '../../aws/port';
import { OwnershipCache, Reader } from '../observe-context';
import { observeGroups } from './observe';
import { type DeployPortsContext } from '../deploy-context';

export async function fleetGroups(clients: AwsPort, ctx: DeployPortsContext): Promise<ObservedGroup[]> {
  const reader = new Reader({ logger: ctx.logger, sleep: ctx.sleep, cache: new OwnershipCache() }, ctx.fleet.name);
  return (await observeGroups(clients, ctx.fleet.name, reader)).groups;
}

/** The group, or undefined when it does not exist. A group being deleted is returned with its Status. */
export async function describeGroup(clients: AwsPort, ctx: DeployPortsContext, name: string): Promise<AutoScalingGroup | undefined> {
  const out = await callOrMissing(ctx, `describing auto scaling group ${name}`, () =>
    clients.autoScaling.DescribeAutoScalingGroups({ AutoScalingGroupNames: [name] }),
  );
  return out?.AutoScalingGroups?.find((g) => g.AutoScalingGroupName === name);
}

/** True for a group AWS is deleting (`Delete in progress`), in SDK (`Status`) or observed (`lifecycle`) shape. */
export function isDeleting(group: { Status?: string } | { lifecycle: GroupLifecycle } | undefined): boolean {
  if (!group) return false;
  return ('lifecycle' in group ? group.lifecycle : parseGroupLifecycle(group.Status)) === 'deleting';
}
