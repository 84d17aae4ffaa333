/** Shared Auto Scaling lookups and helpers. */
import { SimCore } from '../core';
import { findTemplate, findVersion } from '../ec2/launch-templates';
import { ActivityRec, GroupInstanceRec, GroupRec } from '../state';

export function validation(sim: SimCore, message: string): Error {
  return sim.error('AutoScaling', 'ValidationError', message);
}

export function findGroup(sim: SimCore, name: string | undefined): GroupRec {
  const g = name ? sim.state.groups[name] : undefined;
  if (!g || g.deleting) throw validation(sim, `AutoScalingGroup name not found - AutoScalingGroup '${name}' not found`);
  return g;
}

export function isSuspended(g: GroupRec, process: string): boolean {
  return g.suspended.some((p) => p.process === process);
}

const LEAVING = new Set(['Terminating', 'Terminating:Wait', 'Terminating:Proceed', 'Terminated']);

/** Instances that count toward capacity (not on their way out). */
export function activeInstances(g: GroupRec): GroupInstanceRec[] {
  return Object.values(g.instances).filter((i) => !LEAVING.has(i.lifecycle));
}

export function isLeaving(i: GroupInstanceRec): boolean {
  return LEAVING.has(i.lifecycle);
}

/** The group's launch template reference, resolved to a concrete version (throws EC2 errors). */
export function resolveGroupTemplate(sim: SimCore, g: GroupRec) {
  const lt = findTemplate(sim, { LaunchTemplateId: g.launchTemplate.id });
  const v = findVersion(sim, lt, g.launchTemplate.version);
  return { lt, version: v };
}

/** Validate a LaunchTemplate specification from a request and return the stored reference. */
export function templateRef(sim: SimCore, spec: any): GroupRec['launchTemplate'] {
  try {
    const lt = findTemplate(sim, spec);
    const version = String(spec.Version ?? '$Default');
    findVersion(sim, lt, version);
    return { id: lt.id, name: lt.name, version };
  } catch (err) {
    throw validation(sim, `You must use a valid fully-formed launch template. ${(err as Error).message}`);
  }
}

export function addActivity(sim: SimCore, g: GroupRec, fields: Partial<ActivityRec> & { description: string; cause: string }): ActivityRec {
  const a: ActivityRec = {
    id: sim.uuid(),
    group: g.name,
    startedAt: sim.now(),
    status: 'InProgress',
    progress: 0,
    details: '{}',
    ...fields,
  };
  sim.state.activities.push(a);
  if (sim.state.activities.length > 1000) sim.state.activities.splice(0, sim.state.activities.length - 1000);
  return a;
}

export function finishActivity(sim: SimCore, id: string | undefined, status = 'Successful', message?: string): void {
  const a = sim.state.activities.find((x) => x.id === id);
  if (!a || a.endedAt !== undefined) return;
  a.status = status;
  a.statusMessage = message;
  a.endedAt = sim.now();
  a.progress = 100;
}
