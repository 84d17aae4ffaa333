/**
 * A canary's traffic weight on an ALB/NLB: the listener's forward weights between blue's and
 * green's target groups. Blue's group is the one blue's Auto Scaling group is attached to; green's
 * is the fleet's other group (green's Auto Scaling group is attached to it here if it is not yet).
 * A weight above 0 is set only once green has as many healthy targets as that share of desired
 * (so capacity never drops below desired); weight 0 sends everything back to blue at once.
 */
import { call } from '../../aws/call';
import type { AwsPort } from '../../aws/port';
import { canaryGreenCount, type TrafficFacts, type TrafficWeightInput } from '../../model/deploy-io';
import { otherColour, targetGroupName, type TargetGroupColour } from '../../model/target-groups';
import { describeGroup, isDeleting } from '../autoscaling/fleet-groups';
import { deployError, type DeployPortsContext } from '../deploy-context';
import { forwardAction } from './apply';

interface Tg { name: string; arn: string }

async function ownedGroups(clients: AwsPort, ctx: DeployPortsContext): Promise<Record<TargetGroupColour, Tg>> {
  const names = (['blue', 'green'] as const).map((c) => targetGroupName(ctx.fleet.name, c));
  const out = await call(ctx, `describing target groups ${names.join(', ')}`, () => clients.elbv2.DescribeTargetGroups({ Names: names }));
  const arnOf = (n: string) => out.TargetGroups?.find((t) => t.TargetGroupName === n)?.TargetGroupArn ?? '';
  return { blue: { name: names[0]!, arn: arnOf(names[0]!) }, green: { name: names[1]!, arn: arnOf(names[1]!) } };
}

async function healthyTargets(clients: AwsPort, ctx: DeployPortsContext, tg: Tg): Promise<number> {
  const out = await call(ctx, `describing target health of target group ${tg.name}`, () => clients.elbv2.DescribeTargetHealth({ TargetGroupArn: tg.arn }));
  return (out.TargetHealthDescriptions ?? []).filter((d) => d.TargetHealth?.State === 'healthy').length;
}

export async function setTargetGroupWeight(clients: AwsPort, ctx: DeployPortsContext, p: TrafficWeightInput): Promise<TrafficFacts> {
  const lbName = ctx.fleet.loadBalancer.name;
  const what = `setting canary weight ${p.weight} % on load balancer ${lbName}`;
  const blueGroup = await describeGroup(clients, ctx, p.blueGroup);
  if (!blueGroup || isDeleting(blueGroup)) throw deployError(ctx, what, `blue group ${p.blueGroup} is gone`, 'notFound');
  const tgs = await ownedGroups(clients, ctx);
  const blueColour: TargetGroupColour = (blueGroup.TargetGroupARNs ?? []).includes(tgs.green.arn) ? 'green' : 'blue';
  const blue = tgs[blueColour];
  const green = tgs[otherColour(blueColour)];
  const greenGroup = await describeGroup(clients, ctx, p.greenGroup);
  if (p.weight > 0 && greenGroup && !(greenGroup.TargetGroupARNs ?? []).includes(green.arn)) {
    await call(ctx, `attaching target group ${green.name} to group ${p.greenGroup}`, () =>
      clients.autoScaling.AttachLoadBalancerTargetGroups({ AutoScalingGroupName: p.greenGroup, TargetGroupARNs: [green.arn] }),
    );
  }
  const [greenHealthy, blueHealthy] = await Promise.all([healthyTargets(clients, ctx, green), healthyTargets(clients, ctx, blue)]);
  const wanted = p.weight > 0 ? canaryGreenCount(p.weight, p.desired) : 0;
  if (greenHealthy < wanted) throw deployError(ctx, what, `green target group ${green.name} has ${greenHealthy} of the ${wanted} healthy targets weight ${p.weight} % needs`, 'dependency');
  const lb = await call(ctx, `describing load balancer ${lbName}`, () => clients.elbv2.DescribeLoadBalancers({ Names: [lbName] }));
  const listeners = await call(ctx, `describing listeners of load balancer ${lbName}`, () => clients.elbv2.DescribeListeners({ LoadBalancerArn: lb.LoadBalancers?.[0]?.LoadBalancerArn }));
  const listener = listeners.Listeners?.[0]?.ListenerArn;
  if (!listener) throw deployError(ctx, what, `load balancer ${lbName} has no listener`, 'notFound');
  const weight = Math.min(100, Math.max(0, p.weight));
  await call(ctx, what, () =>
    clients.elbv2.ModifyListener({ ListenerArn: listener, DefaultActions: forwardAction([{ arn: blue.arn, weight: 100 - weight }, { arn: green.arn, weight }]) }),
  );
  return { greenServing: weight > 0 ? greenHealthy : 0, blueServing: weight < 100 ? blueHealthy : 0, approximate: false, nowMs: ctx.clock.nowMs() };
}
