/**
 * The blue/green swap's steps on an ALB/NLB fleet. Green's Auto Scaling group is attached to the
 * standby target group (the one the listener sends nothing to), where ELBv2 health-checks it at
 * weight 0; cut-over is the listener's forward weights, 0 for blue and 100 for green, once every
 * green instance is a healthy target. Blue stays attached to its group (retired: no scaling, no
 * replacing) so an undo only has to size it back and, once its targets are healthy, return the
 * weight to it. Capacity never drops below desired: traffic moves only to a group that serves fully.
 */
import type { AwsPort } from '../../aws/port';
import type { AutoScalingGroup } from '../../aws/types';
import { TAG_KEPT } from '../../model/names';
import { describeGroup, fleetGroups, isDeleting } from '../autoscaling/fleet-groups';
import { resumeProcesses, RETIRED_PROCESSES, suspendProcesses } from '../autoscaling/swap-groups';
import { deployError, type DeployPortsContext } from '../deploy-context';
import {
  attachedTo, attachGroupTo, detachGroupFrom, fleetTargetGroups, healthyTargetIds, listenerWeights, other, servingOf, setWeight, type FleetTargetGroups, type Tg,
} from './traffic';

/** Green joins the target group the listener does not serve from (nothing if it is in one already). */
export async function attachToStandby(clients: AwsPort, ctx: DeployPortsContext, groupName: string): Promise<void> {
  const what = `attaching group ${groupName} to the standby target group`;
  const group = await describeGroup(clients, ctx, groupName);
  if (!group || isDeleting(group)) throw deployError(ctx, what, `group ${groupName} is gone`, 'notFound');
  const tgs = await fleetTargetGroups(clients, ctx);
  if (attachedTo(group, tgs)) return;
  await attachGroupTo(clients, ctx, groupName, other(tgs, servingOf(tgs, await listenerWeights(clients, ctx))));
}

/** The group's healthy targets in the fleet target group it is attached to (none when it is in neither). */
export async function servingTargets(clients: AwsPort, ctx: DeployPortsContext, group: AutoScalingGroup): Promise<Set<string>> {
  const tg = attachedTo(group, await fleetTargetGroups(clients, ctx));
  return tg ? healthyTargetIds(clients, ctx, tg) : new Set();
}

/** Cut-over: blue is retired (its targets stay, healthy, at weight 0), and green gets 100 %. */
export async function cutOver(clients: AwsPort, ctx: DeployPortsContext, blueGroup: string, greenGroup: string): Promise<void> {
  const what = `sending load balancer ${ctx.fleet.loadBalancer.name} to group ${greenGroup}`;
  const tgs = await fleetTargetGroups(clients, ctx);
  const green = attachedTo(await describeGroup(clients, ctx, greenGroup), tgs);
  if (!green) throw deployError(ctx, what, `group ${greenGroup} is in no target group of the fleet`, 'dependency');
  await suspendProcesses(clients, ctx, blueGroup, RETIRED_PROCESSES);
  await setWeight(clients, ctx, tgs, green, 100);
}

/** Blue's target group: the one it is in, else (re)attached to the one green is not in. */
export async function ensureBlueAttached(clients: AwsPort, ctx: DeployPortsContext, blueGroup: string, greenGroup: string): Promise<void> {
  const tgs = await fleetTargetGroups(clients, ctx);
  if (attachedTo(await describeGroup(clients, ctx, blueGroup), tgs)) return;
  const green = attachedTo(await describeGroup(clients, ctx, greenGroup), tgs);
  await attachGroupTo(clients, ctx, blueGroup, green ? other(tgs, green) : servingOf(tgs, await listenerWeights(clients, ctx)));
}

/** The fleet target group an observed group is in. */
function tgOf(arns: string[] | undefined, tgs: FleetTargetGroups): Tg | undefined {
  return attachedTo({ TargetGroupARNs: arns ?? [] }, tgs);
}

/**
 * Rollback's last traffic step (blue already serves fully): the weight goes back to the target
 * group of the newest other live group (not kept for inspection), green leaves its own, and the
 * groups serving from blue's get back the processes retiring them suspended.
 */
export async function returnToBlue(clients: AwsPort, ctx: DeployPortsContext, greenGroup: string): Promise<void> {
  const tgs = await fleetTargetGroups(clients, ctx);
  const groups = (await fleetGroups(clients, ctx)).filter((g) => !isDeleting(g));
  const greenTg = tgOf(groups.find((g) => g.name === greenGroup)?.targetGroupArns, tgs);
  const others = groups.filter((g) => g.name !== greenGroup && !g.tags[TAG_KEPT] && tgOf(g.targetGroupArns, tgs)).sort((a, b) => b.generation - a.generation);
  const blueTg = (others[0] && tgOf(others[0].targetGroupArns, tgs)) ?? (greenTg ? other(tgs, greenTg) : undefined);
  if (!blueTg) throw deployError(ctx, `returning traffic from group ${greenGroup}`, 'no other group of the fleet is in a target group', 'dependency');
  await setWeight(clients, ctx, tgs, blueTg, 100);
  if (greenTg && greenTg.arn !== blueTg.arn) await detachGroupFrom(clients, ctx, greenGroup, greenTg);
  for (const g of others.filter((x) => tgOf(x.targetGroupArns, tgs)?.arn === blueTg.arn)) {
    await resumeProcesses(clients, ctx, g.name, RETIRED_PROCESSES.filter((p) => g.suspendedProcesses.includes(p)));
  }
}
