/**
 * One group instance's way through the Auto Scaling lifecycle:
 * Pending -> [Pending:Wait -> Pending:Proceed] -> InService -> Terminating (ELB draining)
 * -> [Terminating:Wait] -> Terminating:Proceed -> Terminated.
 */
import { SimCore } from '../core';
import { beginTerminate } from '../ec2/instances';
import { LaunchSpec, launchInstance, validateLaunch } from '../ec2/launch';
import { tagsFromSpecs } from '../ec2/filters';
import { deregisterInstance, registerInstance } from '../elb/registration';
import { GroupInstanceRec, GroupRec } from '../state';
import { activeInstances, addActivity, finishActivity, isSuspended, resolveGroupTemplate } from './find';
import { hookFor, openAction } from './hook-actions';
import { deregisterFromTargetGroups, registerInTargetGroups } from './target-groups';

function pickSubnet(sim: SimCore, g: GroupRec): string {
  const counts = new Map<string, number>();
  for (const i of activeInstances(g)) counts.set(i.az, (counts.get(i.az) ?? 0) + 1);
  let best = g.subnets[0];
  let bestCount = Infinity;
  for (const id of g.subnets) {
    const az = sim.state.subnets.find((s) => s.id === id)?.az ?? '';
    const n = counts.get(az) ?? 0;
    if (n < bestCount) [best, bestCount] = [id, n];
  }
  return best;
}

function groupLaunchSpec(sim: SimCore, g: GroupRec, subnetId: string): LaunchSpec {
  const { lt, version } = resolveGroupTemplate(sim, g);
  const data: any = version.data;
  const nic = data.NetworkInterfaces?.[0];
  const tags: Record<string, string> = tagsFromSpecs(data.TagSpecifications, 'instance');
  for (const t of g.tags) if (t.propagate) tags[t.key] = t.value;
  return {
    imageId: data.ImageId,
    instanceType: data.InstanceType,
    subnetId,
    sgIds: data.SecurityGroupIds ?? nic?.Groups,
    keyName: data.KeyName,
    userData: data.UserData,
    tags,
    launchTemplate: { id: lt.id, name: lt.name, version: String(version.number) },
    group: g.name,
    reservationId: sim.id('r'),
  };
}

/** Launch one instance into the group; false (and a failed activity) when the launch is rejected. */
export function launchOne(sim: SimCore, g: GroupRec, cause: string): boolean {
  const subnetId = pickSubnet(sim, g);
  let spec: LaunchSpec;
  try {
    spec = groupLaunchSpec(sim, g, subnetId);
    validateLaunch(sim, spec);
  } catch (err) {
    // As AWS words it: "<EC2's message>. Launching EC2 instance failed." (one period between them).
    const reason = `${(err as Error).message.replace(/\.+$/, '')}. Launching EC2 instance failed.`;
    addActivity(sim, g, {
      description: `Launching a new EC2 instance.  Status Reason: ${reason}`,
      cause,
      status: 'Failed',
      statusMessage: reason,
      endedAt: sim.now(),
      progress: 100,
    });
    g.launchFailures = (g.launchFailures ?? 0) + 1;
    g.launchRetryAt = sim.now() + Math.min(sim.timings.launchRetryMs * 2 ** (g.launchFailures - 1), 300_000);
    return false;
  }
  g.launchFailures = 0;
  const inst = launchInstance(sim, spec);
  const activity = addActivity(sim, g, {
    description: `Launching a new EC2 instance: ${inst.id}`,
    cause,
    details: JSON.stringify({ 'Subnet ID': inst.subnetId, 'Availability Zone': inst.az }),
  });
  const gi: GroupInstanceRec = {
    id: inst.id,
    az: inst.az,
    subnetId: inst.subnetId,
    lifecycle: 'Pending',
    health: 'Healthy',
    protected: g.newInstancesProtected,
    launchTemplate: spec.launchTemplate!,
    launchedAt: sim.now(),
    activityId: activity.id,
  };
  g.instances[inst.id] = gi;
  const hook = hookFor(sim, g, 'autoscaling:EC2_INSTANCE_LAUNCHING');
  if (hook) openAction(sim, g, gi, hook);
  return true;
}

/** Take an instance out of service: deregister (with draining), then hooks, then terminate. */
export function beginLeaving(sim: SimCore, g: GroupRec, gi: GroupInstanceRec, cause: string, drain = true): void {
  const activity = addActivity(sim, g, {
    description: `Terminating EC2 instance: ${gi.id}`,
    cause,
    details: JSON.stringify({ 'Subnet ID': gi.subnetId, 'Availability Zone': gi.az }),
  });
  finishActivity(sim, gi.activityId, 'Cancelled');
  gi.activityId = activity.id;
  gi.exitCause = cause;
  gi.lifecycle = 'Terminating';
  gi.skipHooks = gi.skipHooks || !drain;
  let until = sim.now();
  for (const name of g.loadBalancers) {
    const lb = sim.state.loadBalancers[name];
    if (lb) until = Math.max(until, deregisterInstance(sim, lb, gi.id, drain));
  }
  until = Math.max(until, deregisterFromTargetGroups(sim, g, gi.id, drain));
  gi.drainUntil = until;
  sim.dirty = true;
}

function toInService(sim: SimCore, g: GroupRec, gi: GroupInstanceRec): void {
  gi.lifecycle = 'InService';
  gi.inServiceAt = sim.now();
  if (!isSuspended(g, 'AddToLoadBalancer')) {
    for (const name of g.loadBalancers) {
      const lb = sim.state.loadBalancers[name];
      if (lb) registerInstance(sim, lb, gi.id);
    }
    registerInTargetGroups(sim, g, gi.id);
  }
  finishActivity(sim, gi.activityId);
  sim.dirty = true;
}

function proceedToTerminate(sim: SimCore, gi: GroupInstanceRec): void {
  gi.lifecycle = 'Terminating:Proceed';
  const inst = sim.state.instances[gi.id];
  if (inst) beginTerminate(sim, inst, 'User initiated');
  sim.dirty = true;
}

function settleAction(sim: SimCore, g: GroupRec, gi: GroupInstanceRec): 'CONTINUE' | 'ABANDON' | undefined {
  const a = gi.action;
  if (!a) return 'CONTINUE';
  if (a.result) return a.result;
  if (sim.now() >= a.deadline) return sim.state.hooks[`${g.name}/${a.hook}`]?.defaultResult ?? 'ABANDON';
  return undefined;
}

/** Advance one instance as far as its current facts allow. */
export function progressInstance(sim: SimCore, g: GroupRec, gi: GroupInstanceRec): void {
  const ec2 = sim.state.instances[gi.id];
  const running = ec2?.state === 'running';
  switch (gi.lifecycle) {
    case 'Pending':
    case 'Pending:Proceed':
      if (running) toInService(sim, g, gi);
      return;
    case 'Pending:Wait': {
      const result = settleAction(sim, g, gi);
      if (!result) return;
      gi.action = undefined;
      if (result === 'CONTINUE') {
        gi.lifecycle = 'Pending:Proceed';
        sim.dirty = true;
      } else {
        gi.skipHooks = true;
        beginLeaving(sim, g, gi, `At ${sim.iso()} an instance was taken out of service in response to a launch lifecycle action that was abandoned.`, false);
      }
      return;
    }
    case 'Terminating': {
      if (sim.now() < (gi.drainUntil ?? 0)) return;
      const hook = gi.skipHooks ? undefined : hookFor(sim, g, 'autoscaling:EC2_INSTANCE_TERMINATING');
      if (hook) openAction(sim, g, gi, hook);
      else proceedToTerminate(sim, gi);
      return;
    }
    case 'Terminating:Wait':
      if (settleAction(sim, g, gi)) {
        gi.action = undefined;
        proceedToTerminate(sim, gi);
      }
      return;
    case 'Terminating:Proceed':
      if (!ec2 || ec2.state === 'terminated') {
        gi.lifecycle = 'Terminated';
        delete g.instances[gi.id];
        finishActivity(sim, gi.activityId);
        sim.dirty = true;
      }
      return;
    default:
      return;
  }
}
