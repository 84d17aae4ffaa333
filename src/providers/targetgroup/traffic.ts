/**
 * Traffic on an ALB/NLB fleet, for the deploy ports: the fleet's two target groups, which one a
 * group is attached to, their healthy targets, and the listener's forward weights between them.
 * The listener always names both groups (the standby at weight 0), because ELBv2 health-checks
 * only the targets of groups a listener uses.
 */
import { call, callOrMissing } from '../../aws/call';
import type { AwsPort } from '../../aws/port';
import type { AutoScalingGroup } from '../../aws/types';
import { otherColour, TARGET_GROUP_COLOURS, targetGroupName, type TargetGroupColour } from '../../model/target-groups';
import { deployError, type DeployPortsContext } from '../deploy-context';
import { forwardAction } from './apply';

export interface Tg { colour: TargetGroupColour; name: string; arn: string }

export type FleetTargetGroups = Record<TargetGroupColour, Tg>;

export async function fleetTargetGroups(clients: AwsPort, ctx: DeployPortsContext): Promise<FleetTargetGroups> {
  const names = TARGET_GROUP_COLOURS.map((c) => targetGroupName(ctx.fleet.name, c));
  const out = await call(ctx, `describing target groups ${names.join(', ')}`, () => clients.elbv2.DescribeTargetGroups({ Names: names }));
  const tg = (colour: TargetGroupColour): Tg => {
    const name = targetGroupName(ctx.fleet.name, colour);
    const arn = out.TargetGroups?.find((t) => t.TargetGroupName === name)?.TargetGroupArn;
    if (!arn) throw deployError(ctx, `describing target group ${name}`, 'the target group is missing', 'dependency');
    return { colour, name, arn };
  };
  return { blue: tg('blue'), green: tg('green') };
}

/** The fleet target group the Auto Scaling group is attached to, if any. */
export function attachedTo(group: Pick<AutoScalingGroup, 'TargetGroupARNs'> | undefined, tgs: FleetTargetGroups): Tg | undefined {
  const arns = group?.TargetGroupARNs ?? [];
  return TARGET_GROUP_COLOURS.map((c) => tgs[c]).find((t) => arns.includes(t.arn));
}

export function other(tgs: FleetTargetGroups, tg: Tg): Tg {
  return tgs[otherColour(tg.colour)];
}

/** Instance ids the target group reports healthy. */
export async function healthyTargetIds(clients: AwsPort, ctx: DeployPortsContext, tg: Tg): Promise<Set<string>> {
  const out = await call(ctx, `describing target health of target group ${tg.name}`, () => clients.elbv2.DescribeTargetHealth({ TargetGroupArn: tg.arn }));
  return new Set((out.TargetHealthDescriptions ?? []).filter((d) => d.TargetHealth?.State === 'healthy').map((d) => d.Target?.Id ?? '').filter(Boolean));
}

export interface ListenerWeights {
  arn: string;
  /** Weight per target group ARN (0 for a group the forward action does not name). */
  weightOf(tg: Tg): number;
}

/** The fleet's listener (the load balancer's first) and its forward weights. */
export async function listenerWeights(clients: AwsPort, ctx: DeployPortsContext): Promise<ListenerWeights> {
  const lbName = ctx.fleet.loadBalancer.name;
  const what = `describing listeners of load balancer ${lbName}`;
  const lb = await call(ctx, `describing load balancer ${lbName}`, () => clients.elbv2.DescribeLoadBalancers({ Names: [lbName] }));
  const out = await call(ctx, what, () => clients.elbv2.DescribeListeners({ LoadBalancerArn: lb.LoadBalancers?.[0]?.LoadBalancerArn }));
  const l = out.Listeners?.[0];
  if (!l?.ListenerArn) throw deployError(ctx, what, `load balancer ${lbName} has no listener`, 'notFound');
  const fwd = l.DefaultActions?.find((a) => a.Type === 'forward');
  const tuples = fwd?.ForwardConfig?.TargetGroups ?? (fwd?.TargetGroupArn ? [{ TargetGroupArn: fwd.TargetGroupArn, Weight: 1 }] : []);
  return { arn: l.ListenerArn, weightOf: (tg) => tuples.find((t) => t.TargetGroupArn === tg.arn)?.Weight ?? 0 };
}

/** The target group the listener sends most traffic to (blue when none gets any). */
export function servingOf(tgs: FleetTargetGroups, weights: ListenerWeights): Tg {
  return weights.weightOf(tgs.green) > weights.weightOf(tgs.blue) ? tgs.green : tgs.blue;
}

/** Sends `weight` % to `to` and the rest to the other group; no call when it already is so. */
export async function setWeight(clients: AwsPort, ctx: DeployPortsContext, tgs: FleetTargetGroups, to: Tg, weight: number, current?: ListenerWeights): Promise<void> {
  const w = Math.min(100, Math.max(0, weight));
  const from = other(tgs, to);
  const l = current ?? (await listenerWeights(clients, ctx));
  if (l.weightOf(to) === w && l.weightOf(from) === 100 - w) return;
  await call(ctx, `sending ${w} % of load balancer ${ctx.fleet.loadBalancer.name} to target group ${to.name}`, () =>
    clients.elbv2.ModifyListener({ ListenerArn: l.arn, DefaultActions: forwardAction([{ arn: from.arn, weight: 100 - w }, { arn: to.arn, weight: w }]) }),
  );
}

export async function attachGroupTo(clients: AwsPort, ctx: DeployPortsContext, groupName: string, tg: Tg): Promise<void> {
  await call(ctx, `attaching group ${groupName} to target group ${tg.name}`, () =>
    clients.autoScaling.AttachLoadBalancerTargetGroups({ AutoScalingGroupName: groupName, TargetGroupARNs: [tg.arn] }),
  );
}

/** Its targets drain for the group's deregistration delay; a missing group is already detached. */
export async function detachGroupFrom(clients: AwsPort, ctx: DeployPortsContext, groupName: string, tg: Tg): Promise<void> {
  await callOrMissing(ctx, `detaching group ${groupName} from target group ${tg.name}`, () =>
    clients.autoScaling.DetachLoadBalancerTargetGroups({ AutoScalingGroupName: groupName, TargetGroupARNs: [tg.arn] }),
  );
}
