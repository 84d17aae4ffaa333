/** Clock-driven Auto Scaling: instance progress, health checks, capacity and deletion. */
import { activeInstances, isSuspended, resolveGroupTemplate } from '../autoscaling/find';
import { beginLeaving, launchOne, progressInstance } from '../autoscaling/instance-flow';
import { failsTargetGroupCheck } from '../autoscaling/target-groups';
import { SimCore } from '../core';
import { GroupInstanceRec, GroupRec } from '../state';

const BAD_EC2_STATES = new Set(['shutting-down', 'terminated', 'stopping', 'stopped']);

function healthFailure(sim: SimCore, g: GroupRec, gi: GroupInstanceRec): string | undefined {
  const ec2 = sim.state.instances[gi.id];
  if (!ec2 || BAD_EC2_STATES.has(ec2.state)) return 'an EC2 health check indicating it has been terminated or stopped';
  if (g.healthCheckType !== 'ELB' || gi.lifecycle !== 'InService') return undefined;
  if (sim.now() < (gi.inServiceAt ?? 0) + g.healthCheckGracePeriod * 1000) return undefined;
  const failing = g.loadBalancers.some((n) => sim.state.loadBalancers[n]?.instances[gi.id]?.state === 'OutOfService') || failsTargetGroupCheck(sim, g, gi.id);
  return failing ? 'an ELB system health check failure' : undefined;
}

function checkHealth(sim: SimCore, g: GroupRec): void {
  if (isSuspended(g, 'HealthCheck')) return;
  for (const gi of activeInstances(g)) {
    const reason = gi.health === 'Healthy' ? healthFailure(sim, g, gi) : undefined;
    if (reason) {
      gi.health = 'Unhealthy';
      gi.exitCause = `At ${sim.iso()} an instance was taken out of service in response to ${reason}.`;
    }
    if (gi.health === 'Unhealthy' && !isSuspended(g, 'ReplaceUnhealthy')) beginLeaving(sim, g, gi, gi.exitCause ?? 'unhealthy');
  }
}

/** Default termination policy: most-populated AZ, then oldest launch template, then oldest instance. */
function pickVictims(sim: SimCore, g: GroupRec, count: number): GroupInstanceRec[] {
  let current: { id: string; version: string } | undefined;
  try {
    const { lt, version } = resolveGroupTemplate(sim, g);
    current = { id: lt.id, version: String(version.number) };
  } catch {
    current = undefined;
  }
  const pool = activeInstances(g).filter((i) => !i.protected);
  const victims: GroupInstanceRec[] = [];
  while (victims.length < count && pool.length) {
    const perAz = new Map<string, number>();
    for (const i of activeInstances(g)) if (!victims.includes(i)) perAz.set(i.az, (perAz.get(i.az) ?? 0) + 1);
    const stale = (i: GroupInstanceRec) => (current && (i.launchTemplate.id !== current.id || i.launchTemplate.version !== current.version) ? 0 : 1);
    pool.sort((a, b) => (perAz.get(b.az) ?? 0) - (perAz.get(a.az) ?? 0) || stale(a) - stale(b) || a.launchedAt - b.launchedAt || a.id.localeCompare(b.id));
    victims.push(pool.shift()!);
  }
  return victims;
}

function reconcileCapacity(sim: SimCore, g: GroupRec): void {
  if (!isSuspended(g, 'AZRebalance') && !isSuspended(g, 'Terminate')) {
    for (const gi of activeInstances(g)) {
      if (!g.subnets.includes(gi.subnetId)) {
        beginLeaving(sim, g, gi, `At ${sim.iso()} an instance was taken out of service because its subnet was removed from the group.`);
      }
    }
  }
  const active = activeInstances(g).length;
  const prefix = g.lastChangeCause ? `${g.lastChangeCause}  ` : '';
  if (active < g.desired && !isSuspended(g, 'Launch') && sim.now() >= g.launchRetryAt) {
    const cause = `${prefix}At ${sim.iso()} an instance was started in response to a difference between desired and actual capacity, increasing the capacity from ${active} to ${g.desired}.`;
    for (let n = active; n < g.desired; n++) if (!launchOne(sim, g, cause)) break;
    g.lastChangeCause = undefined;
  } else if (active > g.desired && !isSuspended(g, 'Terminate')) {
    const cause = `${prefix}At ${sim.iso()} an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from ${active} to ${g.desired}.`;
    for (const gi of pickVictims(sim, g, active - g.desired)) beginLeaving(sim, g, gi, cause);
    g.lastChangeCause = undefined;
  }
}

function removeGroup(sim: SimCore, g: GroupRec): void {
  delete sim.state.groups[g.name];
  for (const [k, h] of Object.entries(sim.state.hooks)) if (h.group === g.name) delete sim.state.hooks[k];
  for (const [k, p] of Object.entries(sim.state.policies)) if (p.group === g.name) delete sim.state.policies[k];
}

export function tickGroup(sim: SimCore, g: GroupRec): void {
  for (const gi of Object.values(g.instances)) progressInstance(sim, g, gi);
  if (g.deleting) {
    if (!Object.keys(g.instances).length) removeGroup(sim, g);
    return;
  }
  checkHealth(sim, g);
  reconcileCapacity(sim, g);
}

export function groupDue(sim: SimCore, g: GroupRec, add: (t: number) => void): void {
  if (g.launchRetryAt > sim.now()) add(g.launchRetryAt);
  for (const gi of Object.values(g.instances)) {
    if (gi.action) add(gi.action.deadline);
    if (gi.drainUntil !== undefined) add(gi.drainUntil);
    if (gi.inServiceAt !== undefined) add(gi.inServiceAt + g.healthCheckGracePeriod * 1000);
  }
}
