/**
 * A canary's traffic weight on an ALB/NLB: the listener's forward weights between blue's and
 * green's target groups. Blue's group is the one blue's Auto Scaling group is attached to; green's
 * is the fleet's other group (green's Auto Scaling group is attached to it here if it is not yet).
 * Blue keeps its full capacity throughout, and a weight above 0 is set only once green has as
 * many healthy targets as that share of desired, so capacity never drops below desired. Weight 0
 * sends everything back to blue at once, then detaches green from its target group, so a green
 * kept for inspection never serves from the standby group a later deployment attaches to.
 */
import type { AwsPort } from '../../aws/port';
import { canaryGreenCount, type TrafficFacts, type TrafficWeightInput } from '../../model/deploy-io';
import { describeGroup, isDeleting } from '../autoscaling/fleet-groups';
import { deployError, type DeployPortsContext } from '../deploy-context';
import { attachedTo, attachGroupTo, detachGroupFrom, fleetTargetGroups, healthyTargetIds, listenerWeights, other, servingOf, setWeight } from './traffic';

export async function setTargetGroupWeight(clients: AwsPort, ctx: DeployPortsContext, p: TrafficWeightInput): Promise<TrafficFacts> {
  const what = `setting canary weight ${p.weight} % on load balancer ${ctx.fleet.loadBalancer.name}`;
  const blueGroup = await describeGroup(clients, ctx, p.blueGroup);
  if (!blueGroup || isDeleting(blueGroup)) throw deployError(ctx, what, `blue group ${p.blueGroup} is gone`, 'notFound');
  const tgs = await fleetTargetGroups(clients, ctx);
  const listener = await listenerWeights(clients, ctx);
  const blue = attachedTo(blueGroup, tgs) ?? servingOf(tgs, listener);
  const green = other(tgs, blue);
  const greenGroup = await describeGroup(clients, ctx, p.greenGroup);
  const greenLive = !!greenGroup && !isDeleting(greenGroup);
  if (p.weight > 0 && greenLive && attachedTo(greenGroup, tgs)?.arn !== green.arn) await attachGroupTo(clients, ctx, p.greenGroup, green);
  const [greenHealthy, blueHealthy] = await Promise.all([healthyTargetIds(clients, ctx, green), healthyTargetIds(clients, ctx, blue)]);
  const wanted = p.weight > 0 ? canaryGreenCount(p.weight, p.desired) : 0;
  if (greenHealthy.size < wanted) throw deployError(ctx, what, `green target group ${green.name} has ${greenHealthy.size} of the ${wanted} healthy targets weight ${p.weight} % needs`, 'dependency');
  const weight = Math.min(100, Math.max(0, p.weight));
  await setWeight(clients, ctx, tgs, green, weight, listener);
  if (weight === 0 && greenLive && attachedTo(greenGroup, tgs)?.arn === green.arn) await detachGroupFrom(clients, ctx, p.greenGroup, green);
  return { greenServing: weight > 0 ? greenHealthy.size : 0, blueServing: weight < 100 ? blueHealthy.size : 0, approximate: false, nowMs: ctx.clock.nowMs() };
}
