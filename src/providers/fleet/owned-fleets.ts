/**
 * Which fleets drover owns in the account, found by tag (for `apply --prune`): every Auto Scaling
 * group and launch template tagged drover:managed-by=drover names its fleet in drover:fleet.
 */
import { paginate } from '../../aws/paginate';
import { MANAGED_BY, TAG_FLEET, TAG_MANAGED_BY } from '../../model/names';
import { awsCall, type CallContext } from '../../aws/call';
import type { AwsPort } from '../../aws/port';
import { tagsFromList } from '../../aws/tags';

export interface OwnedFleet {
  name: string;
  /** The Classic ELB its groups are attached to, when one is. */
  loadBalancerName?: string;
}

const OWNED = [{ Name: `tag:${TAG_MANAGED_BY}`, Values: [MANAGED_BY] }];

export async function listOwnedFleets(clients: AwsPort, ctx: CallContext): Promise<OwnedFleet[]> {
  const found = new Map<string, OwnedFleet>();
  const add = (tags: Record<string, string>, lb?: string) => {
    const name = tags[TAG_FLEET];
    if (!name || tags[TAG_MANAGED_BY] !== MANAGED_BY) return;
    const prev = found.get(name);
    found.set(name, { name, ...(prev?.loadBalancerName || lb ? { loadBalancerName: prev?.loadBalancerName ?? lb } : {}) });
  };
  const groups = await paginate(
    (NextToken) => awsCall(ctx, 'listing auto scaling groups drover owns', () => clients.autoScaling.DescribeAutoScalingGroups({ Filters: OWNED, NextToken })),
    (page) => page.AutoScalingGroups,
  );
  for (const g of groups) add(tagsFromList(g.Tags), g.LoadBalancerNames?.[0]);
  const templates = await paginate(
    (NextToken) => awsCall(ctx, 'listing launch templates drover owns', () => clients.ec2.DescribeLaunchTemplates({ Filters: OWNED, NextToken })),
    (page) => page.LaunchTemplates,
  );
  for (const t of templates) add(tagsFromList(t.Tags));
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}
