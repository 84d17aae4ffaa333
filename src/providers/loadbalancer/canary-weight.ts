/**
 * A canary's traffic weight on a Classic ELB, which cannot split traffic by weight: it is
 * approximated by how many green instances serve beside blue. For weight N of a fleet of D,
 * ceil(N % × D) green instances serve and as many blue ones leave the ELB (draining), only
 * once that many green ones are InService, so D instances always serve. Weight 0 registers
 * all of blue again and lets green leave once blue serves fully. Blue's scaling processes that
 * would replace or rebalance its deregistered instances are suspended meanwhile.
 */
import { call, callOrMissing } from '../../aws/call';
import type { AutoScalingGroup } from '../../aws/types';
import { canaryGreenCount, type TrafficFacts, type TrafficWeightInput } from '../../model/deploy-io';
import type { AwsPort } from '../../aws/port';
import { deployError, type DeployPortsContext } from '../deploy-context';
import { describeGroup, isDeleting } from '../autoscaling/fleet-groups';
import { detachFromLoadBalancer, resumeProcesses, suspendProcesses } from '../autoscaling/swap-groups';

/** Suspended on blue while some of its instances are out of the ELB on purpose. */
export const CANARY_BLUE_PROCESSES = ['AZRebalance', 'ReplaceUnhealthy', 'HealthCheck'];

/** Classic ELB keeps a draining instance `InService` and says so only in its description. */
const DRAINING = /deregistration currently in progress/i;

interface Registration { serving: Set<string>; registered: Set<string> }

async function registration(clients: AwsPort, ctx: DeployPortsContext): Promise<Registration> {
  const lb = ctx.fleet.loadBalancer.name;
  const out = await callOrMissing(ctx, `describing instance health on load balancer ${lb}`, () =>
    clients.elb.DescribeInstanceHealth({ LoadBalancerName: lb }),
  );
  const serving = new Set<string>();
  const registered = new Set<string>();
  for (const s of out?.InstanceStates ?? []) {
    if (!s.InstanceId || /not currently registered/i.test(s.Description ?? '')) continue;
    const draining = DRAINING.test(s.Description ?? '');
    if (!draining) registered.add(s.InstanceId);
    if (s.State === 'InService' && !draining) serving.add(s.InstanceId);
  }
  return { serving, registered };
}

/** The group's instances that count (InService in the group), sorted so every call picks the same ones. */
function liveIds(group: AutoScalingGroup | undefined): string[] {
  if (!group || isDeleting(group)) return [];
  return (group.Instances ?? []).filter((i) => i.LifecycleState === 'InService' && i.HealthStatus !== 'Unhealthy').map((i) => i.InstanceId ?? '').filter(Boolean).sort();
}

async function setRegistered(clients: AwsPort, ctx: DeployPortsContext, ids: string[], on: boolean): Promise<void> {
  if (!ids.length) return;
  const lb = ctx.fleet.loadBalancer.name;
  const Instances = ids.map((InstanceId) => ({ InstanceId }));
  await call(ctx, `${on ? 'registering' : 'deregistering'} ${ids.join(', ')} ${on ? 'with' : 'from'} load balancer ${lb}`, () =>
    on ? clients.elb.RegisterInstancesWithLoadBalancer({ LoadBalancerName: lb, Instances }) : clients.elb.DeregisterInstancesFromLoadBalancer({ LoadBalancerName: lb, Instances }),
  );
}

function count(ids: string[], set: Set<string>): number {
  return ids.filter((id) => set.has(id)).length;
}

export async function setClassicWeight(clients: AwsPort, ctx: DeployPortsContext, p: TrafficWeightInput): Promise<TrafficFacts> {
  const what = `setting canary weight ${p.weight} % on load balancer ${ctx.fleet.loadBalancer.name}`;
  const blueGroup = await describeGroup(clients, ctx, p.blueGroup);
  if (!blueGroup || isDeleting(blueGroup)) throw deployError(ctx, what, `blue group ${p.blueGroup} is gone`, 'notFound');
  const greenGroup = await describeGroup(clients, ctx, p.greenGroup);
  const blue = liveIds(blueGroup);
  const green = liveIds(greenGroup);
  const before = await registration(clients, ctx);
  if (p.weight <= 0) {
    await setRegistered(clients, ctx, blue.filter((id) => !before.registered.has(id)), true);
    await resumeProcesses(clients, ctx, p.blueGroup, CANARY_BLUE_PROCESSES.filter((n) => (blueGroup.SuspendedProcesses ?? []).some((s) => s.ProcessName === n)));
    const now = await registration(clients, ctx);
    // Green leaves only once blue serves fully, so serving capacity never drops.
    if (count(blue, now.serving) >= Math.min(p.desired, blue.length) && greenGroup && !isDeleting(greenGroup)) {
      await detachFromLoadBalancer(clients, ctx, p.greenGroup);
      return { greenServing: 0, blueServing: count(blue, now.serving), approximate: true, nowMs: ctx.clock.nowMs() };
    }
    return { greenServing: count(green, now.serving), blueServing: count(blue, now.serving), approximate: true, nowMs: ctx.clock.nowMs() };
  }
  const wanted = canaryGreenCount(p.weight, p.desired);
  const greenServing = count(green, before.serving);
  if (greenServing < wanted) throw deployError(ctx, what, `green group ${p.greenGroup} serves ${greenServing} of the ${wanted} instances weight ${p.weight} % needs`, 'dependency');
  await suspendProcesses(clients, ctx, p.blueGroup, CANARY_BLUE_PROCESSES);
  const keep = blue.slice(0, Math.max(0, p.desired - wanted));
  await setRegistered(clients, ctx, keep.filter((id) => !before.registered.has(id)), true);
  await setRegistered(clients, ctx, blue.filter((id) => !keep.includes(id) && before.registered.has(id)), false);
  const after = await registration(clients, ctx);
  return { greenServing: count(green, after.serving), blueServing: count(blue, after.serving), approximate: true, nowMs: ctx.clock.nowMs() };
}
