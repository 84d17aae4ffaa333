/**
 * The reobserve port: the named groups as AWS shows them now, in one DescribeAutoScalingGroups
 * call (plus one DescribeInstanceHealth when asked for health; on an ALB/NLB the target groups,
 * the listener's weights and the serving groups' target health). A group being deleted counts
 * as missing. The deploy machines call this before destructive steps and before Succeeded.
 */
import { call, callOrMissing } from '../../aws/call';
import { paginate } from '../../aws/paginate';
import type { AutoScalingGroup } from '../../aws/types';
import type { ReobserveInput, ReobservedFacts, ReobservedGroup } from '../../model/reobserve';
import type { AwsPort } from '../../aws/port';
import { type DeployPortsContext } from '../deploy-context';
import { isDeleting } from '../autoscaling/fleet-groups';
import { attachedTo, fleetTargetGroups, healthyTargetIds, listenerWeights } from '../targetgroup/traffic';

/** Classic ELB keeps a draining instance `InService` and says so only in its description. */
const DRAINING = /deregistration currently in progress/i;

async function describeGroups(clients: AwsPort, ctx: DeployPortsContext, names: string[]): Promise<AutoScalingGroup[]> {
  if (!names.length) return [];
  return paginate(
    (NextToken) => call(ctx, `describing auto scaling groups ${names.join(', ')}`, () =>
      clients.autoScaling.DescribeAutoScalingGroups({ AutoScalingGroupNames: names, NextToken })),
    (page) => page.AutoScalingGroups,
  );
}

async function servingIds(clients: AwsPort, ctx: DeployPortsContext): Promise<Set<string>> {
  const lb = ctx.fleet.loadBalancer.name;
  const out = await callOrMissing(ctx, `describing instance health on load balancer ${lb}`, () =>
    clients.elb.DescribeInstanceHealth({ LoadBalancerName: lb }),
  );
  const ids = (out?.InstanceStates ?? []).filter((s) => s.State === 'InService' && !DRAINING.test(s.Description ?? ''));
  return new Set(ids.map((s) => s.InstanceId ?? ''));
}

/**
 * On an ALB/NLB a group is attached when it is in a fleet target group the listener sends traffic
 * to (weight above 0), and serves through that group's healthy targets.
 */
async function targetGroupServing(clients: AwsPort, ctx: DeployPortsContext, health: boolean) {
  const tgs = await fleetTargetGroups(clients, ctx);
  const weights = await listenerWeights(clients, ctx);
  const healthy = new Map<string, Set<string>>();
  if (health) for (const tg of [tgs.blue, tgs.green]) if (weights.weightOf(tg) > 0) healthy.set(tg.arn, await healthyTargetIds(clients, ctx, tg));
  return (g: AutoScalingGroup | undefined) => {
    const tg = attachedTo(g, tgs);
    const attached = !!tg && weights.weightOf(tg) > 0;
    return { attached, serving: health ? (attached ? healthy.get(tg.arn) : new Set<string>()) : undefined };
  };
}

/** AMI per `<templateId>:<version>` of the groups' pinned numeric versions (one call per template). */
async function pinnedImages(clients: AwsPort, ctx: DeployPortsContext, groups: AutoScalingGroup[]): Promise<Map<string, string>> {
  const byTemplate = new Map<string, Set<string>>();
  for (const g of groups) {
    const lt = g.LaunchTemplate;
    if (!lt?.LaunchTemplateId || !lt.Version || !/^\d+$/.test(lt.Version)) continue;
    byTemplate.set(lt.LaunchTemplateId, (byTemplate.get(lt.LaunchTemplateId) ?? new Set()).add(lt.Version));
  }
  const images = new Map<string, string>();
  for (const [id, versions] of byTemplate) {
    const out = await callOrMissing(ctx, `describing versions ${[...versions].join(', ')} of launch template ${id}`, () =>
      clients.ec2.DescribeLaunchTemplateVersions({ LaunchTemplateId: id, Versions: [...versions] }),
    );
    for (const v of out?.LaunchTemplateVersions ?? []) {
      if (v.LaunchTemplateData?.ImageId) images.set(`${id}:${v.VersionNumber}`, v.LaunchTemplateData.ImageId);
    }
  }
  return images;
}

function factsOf(g: AutoScalingGroup, attached: boolean, serving: Set<string> | undefined, images: Map<string, string>): ReobservedGroup {
  const inService = attached && serving
    ? (g.Instances ?? []).filter((i) => i.InstanceId && i.LifecycleState === 'InService' && i.HealthStatus !== 'Unhealthy' && serving.has(i.InstanceId)).length
    : 0;
  const v = g.LaunchTemplate?.Version;
  const imageId = images.get(`${g.LaunchTemplate?.LaunchTemplateId}:${v}`);
  return {
    exists: true, desired: g.DesiredCapacity ?? 0, attached, inService,
    ...(v && /^\d+$/.test(v) ? { launchTemplateVersion: Number(v) } : {}), ...(imageId ? { imageId } : {}),
  };
}

export async function reobserveGroups(clients: AwsPort, ctx: DeployPortsContext, p: ReobserveInput): Promise<ReobservedFacts> {
  const names = [...new Set(p.groupNames)];
  const live = (await describeGroups(clients, ctx, names)).filter((g) => !isDeleting(g));
  const lb = ctx.fleet.loadBalancer.name;
  const v2 = ctx.fleet.loadBalancer.elbv2 && live.length ? await targetGroupServing(clients, ctx, p.health) : undefined;
  const serving = p.health && !v2 && live.some((g) => g.LoadBalancerNames?.includes(lb)) ? await servingIds(clients, ctx) : undefined;
  const images = p.health ? await pinnedImages(clients, ctx, live) : new Map<string, string>();
  const groups: Record<string, ReobservedGroup> = {};
  for (const name of names) {
    const g = live.find((x) => x.AutoScalingGroupName === name);
    const facts = v2 ? v2(g) : { attached: !!g?.LoadBalancerNames?.includes(lb), serving };
    groups[name] = g ? factsOf(g, facts.attached, facts.serving, images) : { exists: false, desired: 0, attached: false, inService: 0 };
  }
  return { groups, nowMs: ctx.clock.nowMs() };
}
