/**
 * Ownership lookups for events that name a resource only by id or name: which fleet owns an
 * instance, and which fleet owns a group and which instances are in it, by the `drover:fleet`
 * tag every drover resource carries. Undefined when the resource is gone.
 */
import { TAG_FLEET } from '../../model/names';
import { awsCall, type CallContext } from '../../aws/call';
import type { AwsPort } from '../../aws/port';
import { isNotFound } from '../../aws/errors';
import { tagsFromList } from '../../aws/tags';

export type InstanceOwnerLookup = (instanceId: string) => Promise<string | undefined>;

export function instanceOwnerLookup(clients: Pick<AwsPort, 'ec2'>, ctx: CallContext): InstanceOwnerLookup {
  return async (instanceId) => {
    try {
      const out = await awsCall(ctx, `describing instance ${instanceId}`, () => clients.ec2.DescribeInstances({ InstanceIds: [instanceId] }));
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

export function groupMembershipLookup(clients: Pick<AwsPort, 'autoScaling'>, ctx: CallContext): GroupMembershipLookup {
  return async (groupName) => {
    const out = await awsCall(ctx, `describing auto scaling group ${groupName}`, () =>
      clients.autoScaling.DescribeAutoScalingGroups({ AutoScalingGroupNames: [groupName] }),
    );
    const group = out.AutoScalingGroups?.find((g) => g.AutoScalingGroupName === groupName);
    if (!group) return undefined;
    const fleet = tagsFromList(group.Tags?.map((t) => ({ Key: t.Key, Value: t.Value })))[TAG_FLEET] || undefined;
    return { ...(fleet ? { fleet } : {}), instanceIds: (group.Instances ?? []).flatMap((i) => (i.InstanceId ? [i.InstanceId] : [])) };
  };
}
