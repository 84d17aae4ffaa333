/**
 * Ownership lookups for events that name a resource only by id or name: which fleet owns an
 * instance, and which fleet owns a group and which instances are in it, by the `drover:fleet`
 * tag every drover resource carries. Undefined when the resource is gone.
 */
import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { TAG_FLEET } from '../../model/names';
import { awsCall, type CallContext } from '../../aws/call';
import type { AwsClients } from '../../aws/clients';
import { isNotFound } from '../../aws/errors';
import { tagsFromList } from '../../aws/tags';

export type InstanceOwnerLookup = (instanceId: string) => Promise<string | undefined>;

export function instanceOwnerLookup(clients: Pick<AwsClients, 'ec2'>, ctx: CallContext): InstanceOwnerLookup {
  return async (instanceId) => {
    try {
      const out = await awsCall(ctx, `describing instance ${instanceId}`, () => clients.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] })));
      const instance = out.Reservations?.flatMap((r) => r.Instances ?? [])[0];
      return tagsFromList(instance?.Tags)[TAG_FLEET] || undefined;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  };
}

export interface GroupMembership {
  /** The group's `drover:fleet` tag, if any. */
  fleet?: string;
  instanceIds: string[];
}

export type GroupMembershipLookup = (groupName: string) => Promise<GroupMembership | undefined>;

export function groupMembershipLookup(clients: Pick<AwsClients, 'autoScaling'>, ctx: CallContext): GroupMembershipLookup {
  return async (groupName) => {
    const out = await awsCall(ctx, `describing auto scaling group ${groupName}`, () =>
      clients.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [groupName] })),
    );
    const group = out.AutoScalingGroups?.find((g) => g.AutoScalingGroupName === groupName);
    if (!group) return undefined;
    const fleet = tagsFromList(group.Tags?.map((t) => ({ Key: t.Key, Value: t.Value })))[TAG_FLEET] || undefined;
    return { ...(fleet ? { fleet } : {}), instanceIds: (group.Instances ?? []).flatMap((i) => (i.InstanceId ? [i.InstanceId] : [])) };
  };
}
